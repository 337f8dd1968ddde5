/** What the Contabo emulator sells and where: a few real products and the API's regions. */

export interface Product {
  productName: string;
  productType: "ssd" | "nvme";
  cpuCores: number;
  ramMb: number;
  diskMb: number;
}

export const PRODUCTS: Record<string, Product> = {
  V91: { productName: "Cloud VPS 10 NVMe", productType: "nvme", cpuCores: 3, ramMb: 8192, diskMb: 76800 },
  V92: { productName: "Cloud VPS 10 SSD", productType: "ssd", cpuCores: 3, ramMb: 8192, diskMb: 153600 },
  V94: { productName: "Cloud VPS 20 NVMe", productType: "nvme", cpuCores: 6, ramMb: 12288, diskMb: 102400 },
  V95: { productName: "Cloud VPS 20 SSD", productType: "ssd", cpuCores: 6, ramMb: 12288, diskMb: 204800 },
  V97: { productName: "Cloud VPS 30 NVMe", productType: "nvme", cpuCores: 8, ramMb: 24576, diskMb: 204800 },
};

/**
 * The add-ons an instance can be ordered or upgraded with, and the ids the instance's `addOns`
 * list shows for them (the emulator's own ids: Contabo's product list holds the real ones).
 */
export const ADD_ONS = { privateNetworking: 1477, backup: 1465, additionalIps: 1464, customImage: 1466 } as const;
export type AddOn = keyof typeof ADD_ONS;

export interface Region {
  regionName: string;
  dataCenter: string;
  /** The data center's short name, e.g. EU2. */
  slug: string;
  s3Url: string;
}

const region = (regionName: string, dataCenter: string, slug: string): Region => ({
  regionName,
  dataCenter,
  slug,
  s3Url: `https://${slug.toLowerCase()}.contabostorage.com`,
});

export const REGIONS: Record<string, Region> = {
  EU: region("European Union", "European Union 2", "EU2"),
  "US-central": region("United States (Central)", "United States Central 1", "USC1"),
  "US-east": region("United States (East)", "United States East 1", "USE1"),
  "US-west": region("United States (West)", "United States West 1", "USW1"),
  SIN: region("Asia (Singapore)", "Asia (Singapore) 1", "SIN1"),
  UK: region("United Kingdom", "United Kingdom 1", "UK1"),
  AUS: region("Australia (Sydney)", "Australia (Sydney) 1", "AUS1"),
  JPN: region("Asia (Japan)", "Asia (Japan) 1", "JPN1"),
  IND: region("Asia (India)", "Asia (India) 1", "IND1"),
};

/** The standard images every account sees; the first is the API's default image. */
export const STANDARD_IMAGES = [
  { imageId: "afecbb85-e2fc-46f0-9684-b46b1faf00bb", name: "ubuntu-22.04", osType: "Linux", version: "22.04" },
  { imageId: "d64d5c6c-9dda-4e38-8174-0ee282474d8a", name: "ubuntu-24.04", osType: "Linux", version: "24.04" },
  { imageId: "66abf39a-ba6b-4a5e-a5bb-0f2e4b1c1e0c", name: "debian-12", osType: "Linux", version: "12" },
  { imageId: "e8a5e8d5-3bcb-4b6a-9a0a-2f0e3c4c9c11", name: "rockylinux-9", osType: "Linux", version: "9" },
  { imageId: "4efbc0ba-2313-4fe1-842a-516f8652e729", name: "windows-server-2022-datacenter", osType: "Windows", version: "2022" },
];

/**
 * The password rule of the spec (CreateSecretRequest.value), with the backslashes its published
 * text lost restored: upper and lower case, and one digit with two specials or three digits
 * with one special, at least 8 characters.
 */
const PASSWORD =
  /^((?=.*?[A-Z])(?=.*?[a-z]))(((?=(?:[^\d]*\d){1})(?=([^!@#$^&*?_~]*[!@#$^&*?_~]){2,}))|((?=(?:[^\d]*\d){3})(?=.*?[!@#$^&*?_~]+))).{8,}$/;

export const isStrongPassword = (value: string) => PASSWORD.test(value);
