/**
 * User management (`/um/...` of the Cloud API v6): users, groups and their privileges, a group's
 * members, a group's shares of resources, and a user's S3 keys. The generic collections serve
 * the users, groups, shares and keys (GET, PUT, DELETE, and POST of users and groups); the routes
 * here do what the spec does differently:
 * - a group's members are existing users: `POST /um/groups/{groupId}/users` with `{id}` adds one,
 *   `DELETE .../users/{userId}` takes it out (the user stays), `GET .../users` lists them as users;
 *   `GET /um/users/{userId}/groups` lists a user's groups;
 * - a share is made by a POST on its own path, `/um/groups/{groupId}/shares/{resourceId}`, for a
 *   resource that exists (a data center, an IP block, a cluster, ...), once;
 * - an S3 key is made by a POST without a body, answered 200 (as the spec says) with the key,
 *   its secret included, and the Location of its request; at most five keys per user.
 * Rules: a user's email is unique in the contract (case-insensitive, 422); a new user needs a
 * password of 8 to 128 characters (never shown by a read); a group needs a name.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { type EmulatorRequest, type EmulatorResponse, jsonBody } from "../server";
import { invalid, isAnswer, notAllowed, notFound, parse } from "./answers";
import type { IonosService, IonosStore, Node, Properties } from "./store";

/** The privileges a group grants, as the Cloud API v6 spec (SDK 6.1.4) names them. */
export const GROUP_PRIVILEGES = [
  "createDataCenter",
  "createSnapshot",
  "reserveIp",
  "accessActivityLog",
  "createPcc",
  "s3Privilege",
  "createBackupUnit",
  "createInternetAccess",
  "createK8sCluster",
  "createFlowLog",
  "accessAndManageMonitoring",
  "accessAndManageCertificates",
  "manageDBaaS",
] as const;

/** A user may have this many S3 keys ("A maximum of five keys per user can be generated"). */
export const S3_KEYS_PER_USER = 5;

const USERS = "/um/users";
const GROUPS = "/um/groups";

const password = z.string().min(8, "must be 8 to 128 characters").max(128, "must be 8 to 128 characters");

const members = (group: Node): Set<string> => ((group.hidden ??= {}).members ??= new Set<string>()) as Set<string>;

function collection(store: IonosStore, path: string, items: Node[], depth: number) {
  return {
    id: `${store.idOf(store.up(path))}/${store.idOf(path)}`,
    type: "collection",
    href: store.href(path),
    items: items.map((item) => (depth >= 1 ? store.view(item, depth - 1) : store.ref(item))),
  };
}

/** A group's members that still exist. */
function usersOf(store: IonosStore, group: Node): Node[] {
  return [...members(group)].flatMap((id) => store.nodes.get(`${USERS}/${id}`) ?? []);
}

function addMember(store: IonosStore, request: EmulatorRequest, group: Node): EmulatorResponse {
  const body = parse(jsonBody(request), z.object({ id: z.string().min(1) }).loose());
  if (isAnswer(body)) return body;
  const user = store.nodes.get(`${USERS}/${body.id}`);
  if (!user) return invalid(`Attribute 'id': no user ${body.id}`);
  if (members(group).has(user.id)) return invalid(`User ${user.id} is already a member of group ${group.id}`);
  return store.accept(request, [group, user], {
    apply: () => members(group).add(user.id),
    body: () => store.view(user, 0),
  });
}

/** A resource that a group can be given rights on: a top-level one outside user management. */
function shareable(store: IonosStore, id: string): Node | undefined {
  return [...store.nodes.values()].find((node) => node.id === id && node.path.split("/").length === 3 && !node.path.startsWith("/um/"));
}

function addShare(store: IonosStore, request: EmulatorRequest, group: Node, path: string): EmulatorResponse {
  const body = parse(jsonBody(request), z.object({ properties: SHARE.strict() }).loose());
  if (isAnswer(body)) return body;
  const resourceId = store.idOf(path);
  if (!shareable(store, resourceId)) return invalid(`Resource ${resourceId} does not exist or cannot be shared`);
  if (store.nodes.has(path)) return invalid(`Resource ${resourceId} is already shared with group ${group.id}`);
  const share = store.insert(path, "resource", { editPrivilege: false, sharePrivilege: false, ...body.properties });
  return store.accept(request, [share], { undo: () => store.remove(share), body: () => store.view(share, 0) });
}

function addS3Key(store: IonosStore, request: EmulatorRequest, user: Node, path: string): EmulatorResponse {
  if (request.body) return invalid("An S3 key is created without a request body");
  if (store.childrenIn(path).length >= S3_KEYS_PER_USER) {
    return invalid(`User ${user.id} already has ${S3_KEYS_PER_USER} S3 keys, the most a user can have`);
  }
  // Key ids are access keys (20 hex characters); the secret is 40 characters.
  const key = store.insert(`${path}/${randomBytes(10).toString("hex")}`, "s3key", {
    active: true,
    secretKey: randomBytes(30).toString("base64").replace(/[+/]/g, "x"),
  });
  const accepted = store.accept(request, [key], { undo: () => store.remove(key), body: () => store.view(key, 0) });
  return { ...accepted, status: 200 };
}

const SHARE = z.object({ editPrivilege: z.boolean().optional(), sharePrivilege: z.boolean().optional() });

function route(store: IonosStore, request: EmulatorRequest, path: string, depth: number): EmulatorResponse | undefined {
  if (!path.startsWith("/um/")) return undefined;
  // A share goes with its resource.
  for (const share of [...store.nodes.values()]) {
    if (share.type === "resource" && share.path.startsWith(`${GROUPS}/`) && !shareable(store, share.id)) store.remove(share);
  }
  const keys = /^\/um\/users\/([^/]+)\/s3keys$/.exec(path);
  if (keys && request.method === "POST") {
    const user = store.nodes.get(store.up(path));
    return user ? addS3Key(store, request, user, path) : notFound();
  }
  const groupsOfUser = /^\/um\/users\/([^/]+)\/groups$/.exec(path);
  if (groupsOfUser) {
    const user = store.nodes.get(store.up(path));
    if (!user) return notFound();
    if (request.method !== "GET") return notAllowed();
    const groups = store.childrenIn(GROUPS).filter((group) => members(group).has(user.id));
    return { status: 200, body: collection(store, path, groups, depth) };
  }
  const groupUsers = /^\/um\/groups\/([^/]+)\/users(?:\/([^/]+))?$/.exec(path);
  if (groupUsers) {
    const group = store.nodes.get(`${GROUPS}/${groupUsers[1]}`);
    if (!group) return notFound();
    if (groupUsers[2] === undefined) {
      if (request.method === "POST") return addMember(store, request, group);
      if (request.method !== "GET") return notAllowed();
      return { status: 200, body: collection(store, path, usersOf(store, group), depth) };
    }
    const userId = decodeURIComponent(groupUsers[2]);
    const user = store.nodes.get(`${USERS}/${userId}`);
    if (!user || !members(group).has(userId)) return notFound();
    if (request.method !== "DELETE") return notAllowed();
    return store.accept(request, [group, user], { apply: () => members(group).delete(userId) });
  }
  const shares = /^\/um\/groups\/([^/]+)\/shares(\/[^/]+)?$/.exec(path);
  if (shares && request.method === "POST") {
    const group = store.nodes.get(`${GROUPS}/${shares[1]}`);
    if (!group) return notFound();
    return shares[2] ? addShare(store, request, group, path) : notAllowed();
  }
  return undefined;
}

function completeUser(store: IonosStore, _collection: string, p: Properties, existing?: Node): Properties | EmulatorResponse {
  const { password: given, ...kept } = p;
  if (!existing && given === undefined) return invalid("Attribute 'properties.password': is mandatory for a new user");
  if (given !== undefined) {
    if (!password.safeParse(given).success) return invalid("Attribute 'properties.password': must be 8 to 128 characters");
  }
  if (!z.email().safeParse(p.email).success) return invalid("Attribute 'properties.email': is not an email address");
  const email = String(p.email).toLowerCase();
  const taken = store.childrenIn(USERS).find((user) => user !== existing && String(user.properties.email).toLowerCase() === email);
  if (taken) return invalid(`Attribute 'properties.email': a user with the email address ${String(p.email)} already exists`);
  // The password is kept out of what reads show.
  return { ...kept, s3CanonicalUserId: existing?.properties.s3CanonicalUserId ?? randomBytes(16).toString("hex") };
}

export const USER_MANAGEMENT: IonosService = {
  types: [
    {
      type: "user",
      shape: "um/users",
      properties: z.strictObject({
        firstname: z.string().min(1).max(255),
        lastname: z.string().min(1).max(255),
        email: z.string().min(1),
        password: z.string().optional(),
        administrator: z.boolean().optional(),
        forceSecAuth: z.boolean().optional(),
        secAuthActive: z.boolean().optional(),
        active: z.boolean().optional(),
      }),
      defaults: { administrator: false, forceSecAuth: false, secAuthActive: false, active: true },
      complete: completeUser,
    },
    {
      type: "group",
      shape: "um/groups",
      properties: z.strictObject({
        name: z.string().min(1).max(255),
        ...Object.fromEntries(GROUP_PRIVILEGES.map((privilege) => [privilege, z.boolean().optional()])),
      }),
      defaults: Object.fromEntries(GROUP_PRIVILEGES.map((privilege) => [privilege, false])),
    },
    {
      type: "resource",
      shape: "um/groups/shares",
      properties: SHARE.strict(),
      defaults: { editPrivilege: false, sharePrivilege: false },
    },
    {
      type: "s3key",
      shape: "um/users/s3keys",
      properties: z.strictObject({ active: z.boolean().optional() }),
      defaults: { active: true },
    },
  ],
  route,
};
