/**
 * What the IONOS emulator is made of, for the service modules that extend it (`./services`): its
 * resources (nodes at API paths), its requests, the description of a resource type, and the
 * store a service's rules and routes work on.
 */
import type { z } from "zod";
import type { EmulatorRequest, EmulatorResponse } from "../server";

export type Properties = Record<string, unknown>;

export interface Node {
  /** The path under /cloudapi/v6, e.g. `/datacenters/<id>/lans/1`. */
  path: string;
  id: string;
  /** Its type's name (`TypeSpec.type`): "datacenter", "lan", ... */
  type: string;
  properties: Properties;
  createdDate: string;
  lastModifiedDate: string;
  etag: string;
  /** Unfinished requests on this resource: it is BUSY while there is one. */
  pending: Set<ApiRequest>;
  /** A server's attached volumes, by id. */
  attached?: Set<string>;
  /** What a type keeps beside its properties, never shown (a service's own bookkeeping). */
  hidden?: Record<string, unknown>;
}

export interface ApiRequest {
  id: string;
  method: string;
  path: string;
  /** When the API accepted it (ms). */
  createdAt: number;
  /** What the request log keeps of the call: its headers (never the authorization) and body. */
  headers: Record<string, string>;
  body: string;
  /** When it leaves the queue and when it ends (Infinity: stuck RUNNING). */
  startsAt: number;
  doneAt: number;
  failure?: string;
  settled: boolean;
  targets: Node[];
  apply(): void;
  undo(): void;
}

/** Effects of an accepted write: applied when its request is DONE, undone when it FAILED. */
export interface Effects {
  apply?: () => void;
  undo?: () => void;
  /** The body of the 202 answer. */
  body?: () => unknown;
}

/** One resource type: where it lives and what a create or an update may send. */
export interface TypeSpec {
  /** Its name in `Node.type` and in the `type` the API shows, e.g. "natgateway". */
  type: string;
  /**
   * Its collection's path with the ids left out, e.g. "datacenters/natgateways/rules"; user
   * management's collections start with "um/" ("um/users").
   */
  shape: string;
  /**
   * The `type` the API shows, where two types share one (the rules of network and of application
   * load balancers are both "forwarding-rule"); by default `type`.
   */
  apiType?: string;
  /** What a create may send (a PATCH any part of it, a PUT all of it). */
  properties: z.ZodObject<z.ZodRawShape>;
  /** The values of what a create leaves out (and a PUT resets). */
  defaults?: Properties;
  /** Properties fixed at creation: an update may repeat them, not change them. */
  fixed?: string[];
  /** Rules across properties and other resources: the properties to store, or a 422. */
  complete?(store: IonosStore, collection: string, properties: Properties, existing?: Node): Properties | EmulatorResponse;
  /** A reason to refuse the delete (a 422), if any. */
  refuseDelete?(store: IonosStore, node: Node): EmulatorResponse | undefined;
  /** The collections below it (their last segment), shown under `entities` at depth. */
  entities?: string[];
  /** Its `metadata.state` when it is not BUSY (default AVAILABLE), e.g. a cluster DEPLOYING. */
  state?(store: IonosStore, node: Node): string;
  /** Properties computed at every read (from other resources). */
  computed?(store: IonosStore, node: Node): Properties;
}

/** The emulator's state and the calls a service's rules and routes use. */
export interface IonosStore {
  nodes: Map<string, Node>;
  /** How long a request runs once it is out of the queue (ms). */
  requestMs: number;
  href(path: string): string;
  /** The last segment of a path, decoded. */
  idOf(path: string): string;
  /** `/datacenters/a/lans/1` → `/datacenters/a/lans`; of a collection, its owner. */
  up(path: string): string;
  /** `/datacenters/<id>` of a path inside a data center. */
  datacenterOf(path: string): string | undefined;
  childrenIn(collection: string): Node[];
  insert(path: string, type: string, properties: Properties): Node;
  /** Removes a resource and everything below it. */
  remove(node: Node): void;
  /** Sets a resource's properties (and its modification date and etag). */
  touch(node: Node, properties: Properties): void;
  /** Queues a request on the targets and answers 202 with its Location. */
  accept(request: EmulatorRequest, targets: Node[], effects: Effects): EmulatorResponse;
  /** A resource as the API shows it, at a depth. */
  view(node: Node, depth: number, properties?: Properties): unknown;
  ref(node: Node): { id: string; type: string; href: string };
  /** A stand-in public IPv4 address not given out before. */
  nextPublicIp(): string;
}

/** A part of the API beyond the data center's compute and network (Kubernetes, user management, ...). */
export interface IonosService {
  types: TypeSpec[];
  /**
   * Answers what the generic collections do not: actions, sub-resources such as a kubeconfig,
   * catalogues. Undefined: not this service's path.
   */
  route?(store: IonosStore, request: EmulatorRequest, path: string, depth: number): EmulatorResponse | undefined;
}
