export { Datacenter, type DatacenterArgs, type DatacenterOutputs } from "./datacenter";
export { Lan, type LanArgs, type LanOutputs } from "./lan";
export { Server, type ServerArgs, type ServerOutputs } from "./server";
export { Volume, type VolumeArgs, type VolumeOutputs } from "./volume";
export { Nic, type NicArgs, type NicOutputs } from "./nic";
export { FirewallRule, type FirewallRuleArgs, type FirewallRuleOutputs } from "./firewall-rule";
export { IpBlock, type IpBlockArgs, type IpBlockOutputs } from "./ip-block";
export { NatGateway, type NatGatewayArgs, type NatGatewayLan, type NatGatewayOutputs } from "./nat-gateway";
export { NatGatewayRule, type NatGatewayRuleArgs, type NatGatewayRuleOutputs } from "./nat-gateway-rule";
export { BackupUnit, type BackupUnitArgs, type BackupUnitOutputs } from "./backup-unit";
export { Snapshot, type SnapshotArgs, type SnapshotOutputs } from "./snapshot";
export { User, type UserArgs, type UserOutputs } from "./user";
export { Group, type GroupArgs, type GroupOutputs } from "./group";
export { GroupMembership, type GroupMembershipArgs, type GroupMembershipOutputs } from "./group-membership";
export { Share, type ShareArgs, type ShareOutputs } from "./share";
export { S3Key, type S3KeyArgs, type S3KeyOutputs } from "./s3-key";
export { NetworkLoadBalancer, type NetworkLoadBalancerArgs, type NetworkLoadBalancerOutputs } from "./network-load-balancer";
export {
  NetworkLoadBalancerForwardingRule,
  type NetworkLoadBalancerForwardingRuleArgs,
  type NetworkLoadBalancerForwardingRuleOutputs,
} from "./network-load-balancer-forwarding-rule";
export { ApplicationLoadBalancer, type ApplicationLoadBalancerArgs, type ApplicationLoadBalancerOutputs } from "./application-load-balancer";
export {
  ApplicationLoadBalancerForwardingRule,
  type ApplicationLoadBalancerForwardingRuleArgs,
  type ApplicationLoadBalancerForwardingRuleOutputs,
} from "./application-load-balancer-forwarding-rule";
export { TargetGroup, type TargetGroupArgs, type TargetGroupOutputs } from "./target-group";
export { K8sCluster, type K8sClusterArgs, type K8sClusterOutputs, type MaintenanceWindow } from "./k8s-cluster";
export { K8sNodePool, type K8sNodePoolArgs, type K8sNodePoolLan, type K8sNodePoolOutputs } from "./k8s-node-pool";
export { IONOS_SETTINGS } from "./client";
