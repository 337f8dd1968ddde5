/** What the IONOS emulator offers: locations with their CPU families, and public images. */

const CPU = {
  INTEL_SKYLAKE: { cpuFamily: "INTEL_SKYLAKE", maxCores: 62, maxRam: 235_520, vendor: "GenuineIntel" },
  INTEL_ICELAKE: { cpuFamily: "INTEL_ICELAKE", maxCores: 62, maxRam: 235_520, vendor: "GenuineIntel" },
  AMD_EPYC: { cpuFamily: "AMD_EPYC", maxCores: 62, maxRam: 235_520, vendor: "AuthenticAMD" },
};

export interface Location {
  cpuArchitecture: (typeof CPU)[keyof typeof CPU][];
  features: string[];
}

const FEATURES = ["SSD", "cloud-init", "vnf-lan"];

export const LOCATIONS: Record<string, Location> = {
  "de/fra": { cpuArchitecture: [CPU.INTEL_SKYLAKE, CPU.AMD_EPYC], features: FEATURES },
  "de/txl": { cpuArchitecture: [CPU.INTEL_ICELAKE, CPU.INTEL_SKYLAKE, CPU.AMD_EPYC], features: FEATURES },
  "de/fkb": { cpuArchitecture: [CPU.INTEL_SKYLAKE], features: FEATURES },
  "gb/lhr": { cpuArchitecture: [CPU.INTEL_SKYLAKE, CPU.AMD_EPYC], features: FEATURES },
  "es/vit": { cpuArchitecture: [CPU.INTEL_SKYLAKE], features: FEATURES },
  "fr/par": { cpuArchitecture: [CPU.INTEL_ICELAKE], features: FEATURES },
  "us/las": { cpuArchitecture: [CPU.AMD_EPYC, CPU.INTEL_SKYLAKE], features: FEATURES },
  "us/ewr": { cpuArchitecture: [CPU.INTEL_SKYLAKE], features: FEATURES },
};

export interface Image {
  id: string;
  aliases: string[];
  licenceType: "LINUX" | "WINDOWS2022";
  /** Smallest volume the image fits on, in GB. */
  sizeGb: number;
}

export const IMAGES: Image[] = [
  { id: "8fc5f591-338e-11ef-a36a-2a4a1c2e55b0", aliases: ["ubuntu:latest", "ubuntu:24.04"], licenceType: "LINUX", sizeGb: 3 },
  { id: "0f8c3d40-0a1e-11ee-8c6a-5e2b3f9a0c11", aliases: ["ubuntu:22.04"], licenceType: "LINUX", sizeGb: 3 },
  { id: "4b9f2a6e-5c77-11ef-b1b4-66d1a8e0f2a3", aliases: ["debian:latest", "debian:12"], licenceType: "LINUX", sizeGb: 2 },
  { id: "c1e7a9d2-7e4f-11ef-9d58-0a58a9feac02", aliases: ["windows:2022"], licenceType: "WINDOWS2022", sizeGb: 30 },
];
