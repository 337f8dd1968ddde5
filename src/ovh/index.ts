export { OVH_ENDPOINTS, OVH_SETTINGS } from "./client";
export { DomainRecord, type DomainRecordArgs, type DomainRecordOutputs } from "./domain-record";
export { CloudSshKey, type CloudSshKeyArgs, type CloudSshKeyOutputs } from "./cloud-ssh-key";
export { CloudPrivateNetwork, type CloudPrivateNetworkArgs, type CloudPrivateNetworkOutputs } from "./cloud-private-network";
export { CloudSubnet, type CloudSubnetArgs, type CloudSubnetOutputs } from "./cloud-subnet";
export { CloudInstance, type CloudInstanceArgs, type CloudInstanceOutputs } from "./cloud-instance";
export { IpDescription, type IpDescriptionArgs, type IpDescriptionOutputs } from "./ip-description";
