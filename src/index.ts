/** pulumi-eurocloud: Pulumi dynamic providers for Contabo and IONOS Cloud (and, soon, OVHcloud). */
export * as contabo from "./contabo";
export * as ionos from "./ionos";
