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

export const REGIONS: Record<string, { regionName: string; dataCenter: string }> = {
  EU: { regionName: "European Union", dataCenter: "European Union 2" },
  "US-central": { regionName: "United States (Central)", dataCenter: "United States Central 1" },
  "US-east": { regionName: "United States (East)", dataCenter: "United States East 1" },
  "US-west": { regionName: "United States (West)", dataCenter: "United States West 1" },
  SIN: { regionName: "Asia (Singapore)", dataCenter: "Asia (Singapore) 1" },
  UK: { regionName: "United Kingdom", dataCenter: "United Kingdom 1" },
  AUS: { regionName: "Australia (Sydney)", dataCenter: "Australia (Sydney) 1" },
  JPN: { regionName: "Asia (Japan)", dataCenter: "Asia (Japan) 1" },
  IND: { regionName: "Asia (India)", dataCenter: "Asia (India) 1" },
};

/**
 * The password rule of the spec (CreateSecretRequest.value), with the backslashes its published
 * text lost restored: upper and lower case, and one digit with two specials or three digits
 * with one special, at least 8 characters.
 */
const PASSWORD =
  /^((?=.*?[A-Z])(?=.*?[a-z]))(((?=(?:[^\d]*\d){1})(?=([^!@#$^&*?_~]*[!@#$^&*?_~]){2,}))|((?=(?:[^\d]*\d){3})(?=.*?[!@#$^&*?_~]+))).{8,}$/;

export const isStrongPassword = (value: string) => PASSWORD.test(value);
