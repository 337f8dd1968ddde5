/**
 * `ovh.DomainRecord`: one record of a DNS zone hosted by OVH. The zone and the record type
 * replace the record; the sub-domain, target and TTL change in place. OVH serves a change only
 * after the zone is refreshed: every create, update and delete returns after a refresh that
 * started after its change (changes to a zone that end close together share one), and a failed
 * refresh fails the operations it served (the record stays in the state, and the next
 * `pulumi up` refreshes again), where the official provider only logs it and the record
 * silently has no effect.
 */
import { isIPv4, isIPv6 } from "node:net";
import { z } from "zod";
import { onOwner, CoalescedRun } from "../core/coalesce";
import { readOrUndefined, type RequestContext } from "../core/errors";
import { type CheckFailure, type OperationScope, type ResourceOutputs, defineResource, documented } from "../core/kit";
import { idParts, numericIdPart } from "../core/ids";
import { createOnce } from "../core/reconcile";
import { type OvhClient, ovh } from "./client";
import { path } from "./common";

export const RECORD_TYPES = [
  "A", "AAAA", "CAA", "CNAME", "DKIM", "DMARC", "DNAME", "LOC", "MX", "NAPTR", "NS", "PTR", "SPF", "SRV", "SSHFP", "TLSA", "TXT",
] as const;
type RecordType = (typeof RECORD_TYPES)[number];

/**
 * The inputs of an `ovh.DomainRecord`. Every create, update and delete returns once a refresh of
 * the zone has made its change live.
 */
export interface DomainRecordArgs {
  /**
   * The DNS zone hosted by OVH, e.g. `example.com`: letters, digits, dots and dashes. A change
   * replaces the record.
   */
  zone: string;
  /**
   * The record's type. A change replaces the record; to or from CNAME on the same name, the old
   * record is deleted first (a CNAME stands alone on its name).
   */
  fieldType:
    | "A" | "AAAA" | "CAA" | "CNAME" | "DKIM" | "DMARC" | "DNAME" | "LOC" | "MX" | "NAPTR" | "NS" | "PTR"
    | "SPF" | "SRV" | "SSHFP" | "TLSA" | "TXT";
  /**
   * The name within the zone: "" for the zone itself, or e.g. `www`, `*.dev`, `_dmarc`; at most 255
   * characters. A CNAME cannot be at the zone itself. A change updates the record in place.
   * @default ""
   */
  subDomain?: string;
  /**
   * What the record says, written as in a zone file (e.g. `192.0.2.10` for an A record,
   * `10 mail.example.com.` for an MX): 1 to 4096 characters, checked for the record type at
   * preview. A TXT target may be given with or without its quotes. A change updates the record in
   * place.
   */
  target: string;
  /**
   * The record's TTL in seconds: 0 to 2147483647, where 0 uses the zone's default TTL. A change
   * updates the record in place.
   * @default 0
   */
  ttl?: number;
}

/** The outputs of an `ovh.DomainRecord`. */
export type DomainRecordOutputs = Required<DomainRecordArgs> & {
  /** The record's id at OVH. */
  recordId: number;
};

const inputs = documented<DomainRecordArgs>()(z.object({
  zone: z.string().min(1).regex(/^[a-z0-9.-]+$/i, "must be a zone name such as example.com"),
  fieldType: z.enum(RECORD_TYPES),
  subDomain: z
    .string()
    .max(255)
    .regex(/^([A-Za-z0-9_*-]+(\.[A-Za-z0-9_-]+)*)?$/, "must be a name within the zone, e.g. www, *.dev or _dmarc (\"\" for the zone itself)")
    .default(""),
  target: z.string().min(1).max(4096),
  ttl: z.number().int().min(0).max(2_147_483_647).default(0),
}));
type Inputs = z.output<typeof inputs>;

const recordItem = z.object({
  id: z.number().int(),
  zone: z.string(),
  fieldType: z.enum(RECORD_TYPES),
  subDomain: z.string().nullable(),
  target: z.string(),
  ttl: z.number().int().nullable(),
});
type RecordItem = z.infer<typeof recordItem>;

const HOST = /^(\*\.)?([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?$/;
const isHost = (text: string) => text.length <= 254 && HOST.test(text) && !isIPv4(text);
const isUint = (text: string, max: number) => /^\d+$/.test(text) && Number(text) <= max;

/** Each type's form of target, as a check and an example. */
const TARGETS: Record<RecordType, { valid(target: string): boolean; form: string }> = {
  A: { valid: isIPv4, form: "an IPv4 address, e.g. 192.0.2.10" },
  AAAA: { valid: isIPv6, form: "an IPv6 address, e.g. 2001:db8::10" },
  CNAME: { valid: isHost, form: "a host name, e.g. www.example.com." },
  DNAME: { valid: isHost, form: "a domain name, e.g. example.net." },
  NS: { valid: isHost, form: "a name server's host name, e.g. ns1.example.net." },
  PTR: { valid: isHost, form: "a host name, e.g. host.example.com." },
  MX: {
    valid: (t) => /^\d+ \S+$/.test(t) && isUint(t.split(" ")[0], 65535) && isHost(t.split(" ")[1]),
    form: '"<priority> <host>", e.g. "10 mail.example.com."',
  },
  SRV: {
    valid: (t) => /^\d+ \d+ \d+ \S+$/.test(t) && t.split(" ").slice(0, 3).every((n) => isUint(n, 65535)) && isHost(t.split(" ")[3]),
    form: '"<priority> <weight> <port> <host>", e.g. "10 5 5060 sip.example.com."',
  },
  CAA: {
    valid: (t) => /^\d+ (issue|issuewild|iodef|issuemail|issuevmc) "[^"]*"$/.test(t) && isUint(t.split(" ")[0], 255),
    form: '"<flags> <tag> \\"<value>\\"", e.g. 0 issue "letsencrypt.org"',
  },
  TLSA: { valid: (t) => /^[0-3] [01] [0-2] [0-9A-Fa-f]+$/.test(t), form: '"<usage> <selector> <matching type> <hex data>", e.g. "3 1 1 0a1b..."' },
  SSHFP: { valid: (t) => /^[1-6] [12] [0-9A-Fa-f]+$/.test(t), form: '"<algorithm> <fingerprint type> <hex fingerprint>", e.g. "4 2 123abc..."' },
  NAPTR: {
    valid: (t) => /^\d+ \d+ "[A-Za-z0-9]*" "[^"]*" "[^"]*" \S+$/.test(t),
    form: '"<order> <preference> \\"<flags>\\" \\"<service>\\" \\"<regexp>\\" <replacement>", e.g. 100 10 "U" "E2U+sip" "!^.*$!sip:info@example.com!" .',
  },
  LOC: {
    valid: (t) => /^\d{1,2}( \d{1,2}( \d{1,2}(\.\d+)?)?)? [NS] \d{1,3}( \d{1,2}( \d{1,2}(\.\d+)?)?)? [EW] -?\d+(\.\d+)?m?( \d+(\.\d+)?m?){0,3}$/.test(t),
    form: '"<latitude> N|S <longitude> E|W <altitude>m ...", e.g. "48 51 24 N 2 21 7 E 35m"',
  },
  SPF: { valid: (t) => /^"?v=spf1( |"?$)/.test(t), form: 'an SPF policy, e.g. "v=spf1 include:mx.ovh.com ~all"' },
  DKIM: { valid: (t) => /(^|;)\s*p=/.test(t), form: 'a DKIM key record with its p= tag, e.g. "v=DKIM1; k=rsa; p=MIIBIj..."' },
  DMARC: { valid: (t) => /^"?v=DMARC1;/.test(t), form: 'a DMARC policy, e.g. "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com"' },
  TXT: { valid: (t) => t.trim() !== "", form: "a text" },
};

/** OVH stores TXT targets quoted: `"abc"` is the same target as `abc`. */
const quotedTxt = (target: string) => (target.startsWith('"') ? target : `"${target}"`);
const sameTarget = (fieldType: RecordType, a: string, b: string) => a === b || (fieldType === "TXT" && quotedTxt(a) === quotedTxt(b));

/** Outputs from the API's view; a target OVH only quoted keeps the program's spelling. */
function outputsOf(record: RecordItem, known: Partial<DomainRecordOutputs>): DomainRecordOutputs {
  const target = known.target !== undefined && sameTarget(record.fieldType, known.target, record.target) ? known.target : record.target;
  return { zone: record.zone, fieldType: record.fieldType, subDomain: record.subDomain ?? "", target, ttl: record.ttl ?? 0, recordId: record.id };
}

const records = (zone: string) => path`/domain/zone/${zone}/record`;
const recordPath = (zone: string, recordId: number | string) => path`/domain/zone/${zone}/record/${recordId}`;

function getRecord(client: OvhClient, context: RequestContext, zone: string, recordId: number | string) {
  return client.request(context, "GET", recordPath(zone, recordId), recordItem);
}

/** A record this create may already have made: same name, type, target and TTL. */
async function findSame(client: OvhClient, context: RequestContext, wanted: Inputs): Promise<RecordItem | undefined> {
  const ids = await client.request(context, "GET", records(wanted.zone), z.array(z.number().int()), {
    query: { fieldType: wanted.fieldType, subDomain: wanted.subDomain },
  });
  for (const id of ids) {
    const record = await readOrUndefined(() => getRecord(client, context, wanted.zone, id));
    if (record && (record.subDomain ?? "") === wanted.subDomain && sameTarget(wanted.fieldType, wanted.target, record.target) && (record.ttl ?? 0) === wanted.ttl) {
      return record;
    }
  }
  return undefined;
}

/** One refresh for several changes names the first and counts the others, in its errors. */
function sharedContext([first, ...others]: RequestContext[]): RequestContext {
  return others.length === 0 ? first : { ...first, resource: `${first.resource}, and ${others.length} more record changes in the zone` };
}

/**
 * Makes the zone's changes live, with one refresh for the changes that end while another is under
 * way; refreshing twice is harmless, so it is retried like a read.
 */
function refreshZone(client: OvhClient, scope: OperationScope, zone: string) {
  const refreshes = onOwner(client, `refresh zone ${zone}`, () =>
    new CoalescedRun<RequestContext>((contexts) => client.call(sharedContext(contexts), "POST", path`/domain/zone/${zone}/refresh`, { idempotent: true })),
  );
  return refreshes.run(scope.context(`refresh zone ${zone} (a record change takes effect only after it)`));
}

const DomainRecordResource = defineResource({
  cloud: ovh,
  kind: "DomainRecord",
  inputs,
  idOutputs: { recordId: numericIdPart(1) },
  outputNames: ["zone", "fieldType", "subDomain", "target", "ttl", "recordId"],
  replaceOnChange: ["zone", "fieldType"],
  // A CNAME stands alone on its name: to or from one, the old record goes first.
  deleteBeforeReplace: (olds, news) =>
    olds.zone === news.zone && olds.subDomain === news.subDomain && (olds.fieldType === "CNAME" || news.fieldType === "CNAME"),
  describe: (values, id) =>
    values.fieldType && values.zone ? `${values.fieldType} record "${values.subDomain ? `${values.subDomain}.` : ""}${values.zone}"` : `record ${id}`,

  validate(news): CheckFailure[] {
    const failures: CheckFailure[] = [];
    const rule = TARGETS[news.fieldType];
    if (!rule.valid(news.target)) failures.push({ property: "target", reason: `a ${news.fieldType} record's target must be ${rule.form}` });
    if (news.fieldType === "CNAME" && news.subDomain === "") {
      failures.push({ property: "subDomain", reason: "a CNAME cannot be at the zone itself (subDomain \"\"): DNS forbids it beside the zone's SOA and NS" });
    }
    return failures;
  },

  async create(client, wanted, scope) {
    const { zone, ...body } = wanted;
    // OVH keeps no request log: a record is identified by its content (zone, subdomain, type,
    // target, TTL), so one that a crashed run made is found before creating. A second record of
    // the same content would be a duplicate anyway.
    const record = await createOnce({
      what: `create ${wanted.fieldType} record in zone ${zone}`,
      send: () => client.request(scope.context("create record"), "POST", records(zone), recordItem, { body }),
      find: () => findSame(client, scope.context("look up record"), wanted),
    });
    const id = `${record.zone}/${record.id}`;
    const outputs = outputsOf(record, wanted);
    // The record exists from here on: a failed refresh must not lose it from the state.
    scope.created(id, outputs);
    await refreshZone(client, scope, record.zone);
    return { id, outputs };
  },

  async read(client, id, olds, scope) {
    const [zone, recordId] = idParts("ovh", id, ["zone", "recordId"]);
    return readOrUndefined(async () => outputsOf(await getRecord(client, scope.context("read record"), zone, recordId), olds));
  },

  // Also called with nothing changed after a create whose refresh failed: the refresh is retried.
  async update(client, id, wanted, olds, changed, scope) {
    const [zone, recordId] = idParts("ovh", id, ["zone", "recordId"]);
    if (changed.length > 0) {
      const { subDomain, target, ttl } = wanted;
      await client.call(scope.context("update record"), "PUT", recordPath(zone, recordId), { body: { subDomain, target, ttl } });
    }
    await refreshZone(client, scope, zone);
    return outputsOf(await getRecord(client, scope.context("read record"), zone, recordId), { ...olds, ...wanted });
  },

  async delete(client, id, _olds, scope) {
    const [zone, recordId] = idParts("ovh", id, ["zone", "recordId"]);
    // Already deleted (a delete whose refresh failed, retried): the refresh is what is left to do.
    await readOrUndefined(() => client.call(scope.context("delete record"), "DELETE", recordPath(zone, recordId)));
    await refreshZone(client, scope, zone);
  },
});

export interface DomainRecord extends ResourceOutputs<DomainRecordOutputs> {}
export class DomainRecord extends DomainRecordResource {}
