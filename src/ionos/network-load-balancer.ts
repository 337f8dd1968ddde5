/**
 * `ionos.NetworkLoadBalancer`: a layer-4 load balancer in a data center. It listens on `ips` in
 * its listening LAN and balances to targets in its private target LAN, where it has
 * `lbPrivateIps`; its forwarding rules (`ionos.NetworkLoadBalancerForwardingRule`) say what goes
 * where.
 */
import type { ResourceOutputs } from "../core/kit";
import { type LoadBalancerArgs, defineLoadBalancer } from "./load-balancer";

/** The inputs of an `ionos.NetworkLoadBalancer`. */
export interface NetworkLoadBalancerArgs extends LoadBalancerArgs {}

/** The outputs of an `ionos.NetworkLoadBalancer`. */
export type NetworkLoadBalancerOutputs = Required<NetworkLoadBalancerArgs> & {
  /**
   * The load balancer's id at IONOS (a UUID), which its forwarding rules name; `id` is
   * `<datacenterId>/<networkLoadBalancerId>`.
   */
  networkLoadBalancerId: string;
};

const NetworkLoadBalancerResource = defineLoadBalancer({ kind: "NetworkLoadBalancer", noun: "network load balancer", collection: "networkloadbalancers", idName: "networkLoadBalancerId" });

export interface NetworkLoadBalancer extends ResourceOutputs<NetworkLoadBalancerOutputs> {}
export class NetworkLoadBalancer extends NetworkLoadBalancerResource {}
