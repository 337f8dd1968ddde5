export { Tag, type TagArgs, type TagOutputs } from "./tag";
export { Secret, type SecretArgs, type SecretOutputs } from "./secret";
export { PrivateNetwork, type PrivateNetworkArgs, type PrivateNetworkOutputs } from "./private-network";
export { Instance, type InstanceArgs, type InstanceOutputs } from "./instance";
export { CONTABO_SETTINGS } from "./client";
