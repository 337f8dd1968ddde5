/** pulumi-eurocloud: Pulumi dynamic providers for Contabo, IONOS Cloud and OVHcloud. */
export * as contabo from "./contabo";
export * as ionos from "./ionos";
export * as ovh from "./ovh";
