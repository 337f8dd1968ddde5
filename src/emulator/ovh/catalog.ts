/** What the OVH emulator's Public Cloud offers: a few real regions, flavors and images. */
import { createHash } from "node:crypto";

export const REGIONS: Record<string, { continentCode: "EU" | "NA"; datacenterLocation: string; ipCountries: string[] }> = {
  GRA11: { continentCode: "EU", datacenterLocation: "GRA", ipCountries: ["fr"] },
  SBG5: { continentCode: "EU", datacenterLocation: "SBG", ipCountries: ["fr"] },
  DE1: { continentCode: "EU", datacenterLocation: "DE", ipCountries: ["de"] },
  UK1: { continentCode: "EU", datacenterLocation: "UK", ipCountries: ["uk"] },
  WAW1: { continentCode: "EU", datacenterLocation: "WAW", ipCountries: ["pl"] },
  BHS5: { continentCode: "NA", datacenterLocation: "BHS", ipCountries: ["ca"] },
};

export interface FlavorSpec {
  name: string;
  vcpus: number;
  /** GiB */
  ram: number;
  /** GB */
  disk: number;
  type: string;
  osType: "linux" | "windows";
}

const flavor = (name: string, vcpus: number, ram: number, disk: number, type: string): FlavorSpec => ({
  name,
  vcpus,
  ram,
  disk,
  type,
  osType: name.startsWith("win-") ? "windows" : "linux",
});

export const FLAVORS: FlavorSpec[] = [
  flavor("d2-2", 1, 2, 25, "ovh.d2"),
  flavor("d2-4", 2, 4, 50, "ovh.d2"),
  flavor("d2-8", 4, 8, 50, "ovh.d2"),
  flavor("b2-7", 2, 7, 50, "ovh.ssd.eg"),
  flavor("b2-15", 4, 15, 100, "ovh.ssd.eg"),
  flavor("b2-30", 8, 30, 200, "ovh.ssd.eg"),
  flavor("b2-7-flex", 2, 7, 50, "ovh.ssd.eg"),
  flavor("b2-15-flex", 4, 15, 50, "ovh.ssd.eg"),
  flavor("win-b2-7", 2, 7, 50, "ovh.ssd.eg"),
  flavor("win-b2-15", 4, 15, 100, "ovh.ssd.eg"),
];

/**
 * Whether OVH resizes an instance from one flavor to another (its "resize an instance" guide):
 * never between Linux and Windows, flex only to flex (their disk is fixed), and a classic flavor
 * only to one with a disk at least as large.
 */
export function canResize(from: FlavorSpec, to: FlavorSpec): boolean {
  const flex = (f: FlavorSpec) => f.name.endsWith("-flex");
  return from.osType === to.osType && flex(from) === flex(to) && to.disk >= from.disk;
}

export const IMAGES = [
  { name: "Ubuntu 24.04", user: "ubuntu", type: "linux", minDisk: 0 },
  { name: "Ubuntu 22.04", user: "ubuntu", type: "linux", minDisk: 0 },
  { name: "Debian 12", user: "debian", type: "linux", minDisk: 0 },
  { name: "Rocky Linux 9", user: "rocky", type: "linux", minDisk: 0 },
  { name: "Windows Server 2022 Standard (Desktop)", user: "Administrator", type: "windows", minDisk: 50 },
] as const;

/** A stable id per region and name, shaped like OpenStack's UUIDs: the same flavor differs by region. */
export function regionalId(region: string, name: string): string {
  const hex = createHash("sha1").update(`${region}/${name}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
