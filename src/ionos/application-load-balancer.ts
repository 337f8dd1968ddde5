/**
 * `ionos.ApplicationLoadBalancer`: a layer-7 (HTTP) load balancer in a data center. It listens on
 * `ips` in its listening LAN and balances to the target groups (`ionos.TargetGroup`) its
 * forwarding rules (`ionos.ApplicationLoadBalancerForwardingRule`) forward to, reached through its
 * private target LAN, where it has `lbPrivateIps`.
 */
import type { ResourceOutputs } from "../core/kit";
import { type LoadBalancerArgs, defineLoadBalancer } from "./load-balancer";

/** The inputs of an `ionos.ApplicationLoadBalancer`. */
export interface ApplicationLoadBalancerArgs extends LoadBalancerArgs {}

/** The outputs of an `ionos.ApplicationLoadBalancer`. */
export type ApplicationLoadBalancerOutputs = Required<ApplicationLoadBalancerArgs> & {
  /**
   * The load balancer's id at IONOS (a UUID), which its forwarding rules name; `id` is
   * `<datacenterId>/<applicationLoadBalancerId>`.
   */
  applicationLoadBalancerId: string;
};

const ApplicationLoadBalancerResource = defineLoadBalancer({ kind: "ApplicationLoadBalancer", noun: "application load balancer", collection: "applicationloadbalancers", idName: "applicationLoadBalancerId" });

export interface ApplicationLoadBalancer extends ResourceOutputs<ApplicationLoadBalancerOutputs> {}
export class ApplicationLoadBalancer extends ApplicationLoadBalancerResource {}
