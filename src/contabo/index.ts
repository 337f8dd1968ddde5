export { Tag, type TagArgs, type TagOutputs } from "./tag";
export { TagAssignment, type TagAssignmentArgs, type TagAssignmentOutputs } from "./tag-assignment";
export { Secret, type SecretArgs, type SecretOutputs } from "./secret";
export { PrivateNetwork, type PrivateNetworkArgs, type PrivateNetworkOutputs } from "./private-network";
export { Image, type ImageArgs, type ImageOutputs } from "./image";
export { Snapshot, type SnapshotArgs, type SnapshotOutputs } from "./snapshot";
export { Instance, type InstanceArgs, type InstanceOutputs } from "./instance";
export { CONTABO_SETTINGS } from "./client";
export { getDataCenters, getImage, getInstance, type DataCenter, type ImageInfo, type InstanceInfo } from "./lookups";
