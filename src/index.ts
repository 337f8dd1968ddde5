/** pulumi-eurocloud: Pulumi dynamic providers for Contabo (and, soon, IONOS Cloud and OVHcloud). */
export * as contabo from "./contabo";
