export { Datacenter, type DatacenterArgs, type DatacenterOutputs } from "./datacenter";
export { Lan, type LanArgs, type LanOutputs } from "./lan";
export { Server, type ServerArgs, type ServerOutputs } from "./server";
export { Volume, type VolumeArgs, type VolumeOutputs } from "./volume";
export { Nic, type NicArgs, type NicOutputs } from "./nic";
export { FirewallRule, type FirewallRuleArgs, type FirewallRuleOutputs } from "./firewall-rule";
export { IpBlock, type IpBlockArgs, type IpBlockOutputs } from "./ip-block";
export { IONOS_SETTINGS } from "./client";
