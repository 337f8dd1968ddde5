/**
 * Unit tests of the resource kit: check (validation, unknowns, settings), diff (changes, replaces),
 * outputs, and the serialized provider (small, identical per type, free of credentials).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  AUTO_NAME,
  CREATE_KEY,
  type CloudBinding,
  UNKNOWN,
  containsUnknown,
  createKeyFor,
  isKeyedName,
  providerOperations,
  withoutUndefined,
} from "../src/core/kit";
import { providerFor } from "../src/core/provider";
import { CloudApiError } from "../src/core/errors";
import { createOnce } from "../src/core/reconcile";

let settingsProblems: { property: string; reason: string }[] = [];
const calls: string[] = [];
/** The create key each create was given. */
const createKeys: string[] = [];
const cloud: CloudBinding<{ name: string }> = {
  cloud: "contabo",
  settingsProblems: () => settingsProblems,
  client: () => ({ name: "fake" }),
};

const inputs = z.object({
  name: z.string().min(1).max(10),
  size: z.number().int().min(1),
  region: z.enum(["EU", "US"]).default("EU"),
  tags: z.array(z.string()).optional(),
  note: z.string().optional(),
});

const ops = providerOperations({
  cloud,
  kind: "Widget",
  inputs,
  outputNames: ["name", "size", "region", "tags", "widgetId"],
  replaceOnChange: ["region"],
  deleteBeforeReplace: true,
  clearable: ["note"],
  describe: (values) => `widget "${values.name}"`,
  // A rename to a "legacy-" name needs a new widget (a rule on both values).
  replacesWhen: (_client, olds, news) => (news.name.startsWith("legacy-") && olds.name !== news.name ? ["name"] : []),
  validate: (news, olds) => (olds.size !== undefined && news.size < olds.size ? [{ property: "size", reason: "may only grow" }] : []),
  async create(_client, wanted, scope) {
    calls.push("create");
    createKeys.push(scope.createKey);
    if (wanted.name === "stuck") {
      scope.created("w2", { ...wanted, widgetId: 2 });
      throw new Error("timed out waiting");
    }
    return { id: "w1", outputs: { ...wanted, widgetId: 1, nothing: undefined } };
  },
  async read(_client, id) {
    calls.push("read");
    if (id === "gone") return undefined;
    return { name: "a", size: 2, region: "EU" as const, widgetId: 1 };
  },
  async update(_client, _id, news) {
    return { ...news, widgetId: 1 };
  },
  async delete(_client, id) {
    if (id === "gone") throw new CloudApiError({ cloud: "contabo", operation: "delete widget" }, 404, "not found", undefined);
    throw new CloudApiError({ cloud: "contabo", operation: "delete widget" }, 409, "still in use", "r-9");
  },
});

beforeEach(() => {
  settingsProblems = [];
  calls.length = 0;
  createKeys.length = 0;
});

describe("create", () => {
  test("a failure after the resource exists is a partial failure that keeps it, with its provider", async () => {
    const error = await ops.create({ name: "stuck", size: 1, region: "EU", __provider: "serialized" }).catch((e) => e);
    expect(error.message).toBe('contabo: create widget "stuck" failed: timed out waiting');
    expect(error.id).toBe("w2");
    // The host finds the provider for a later refresh or delete among these properties.
    expect(error.properties).toEqual({ name: "stuck", size: 1, region: "EU", widgetId: 2, __provider: "serialized" });
    expect(error.reasons).toEqual([error.message]);
  });
});

describe("check", () => {
  test("applies defaults and drops __provider", async () => {
    const result = await ops.check({}, { name: "a", size: 1, __provider: "code" });
    expect(result).toEqual({ inputs: { name: "a", size: 1, region: "EU" } });
  });

  test("names the property and the rule for each failure, with no API call", async () => {
    const result = await ops.check({}, { name: "much-too-long-name", size: 0, region: "MARS", extra: 1 });
    const properties = result.failures?.map((f) => f.property).sort();
    expect(properties).toEqual(["extra", "name", "region", "size"]);
    const reasons = Object.fromEntries(result.failures!.map((f) => [f.property, f.reason]));
    expect(reasons.name).toMatch(/<=10/);
    expect(reasons.size).toMatch(/>=1/);
    expect(reasons.region).toMatch(/EU.*US/);
    expect(reasons.extra).toBe("unknown property");
    expect(calls).toEqual([]);
  });

  test("tolerates unknown values during preview and skips rules that need them", async () => {
    const result = await ops.check({ name: "a", size: 5 }, { name: UNKNOWN, size: 5, tags: ["x", UNKNOWN] });
    expect(result.failures).toBeUndefined();
    expect(result.inputs).toEqual({ name: UNKNOWN, size: 5, region: "EU", tags: ["x", UNKNOWN] });
  });

  test("rules comparing with old inputs run at preview", async () => {
    const result = await ops.check({ name: "a", size: 5 }, { name: "a", size: 3 });
    expect(result.failures).toEqual([{ property: "size", reason: "may only grow" }]);
  });

  test("settings problems (missing credentials) fail the check", async () => {
    settingsProblems = [{ property: "contabo:clientId", reason: "missing" }];
    const result = await ops.check({}, { name: "a", size: 1 });
    expect(result.failures).toEqual(settingsProblems);
  });
});

describe("diff", () => {
  const olds = { name: "a", size: 1, region: "EU", widgetId: 1, __provider: "old code" };

  test("no change, even when the provider code changed", async () => {
    expect(await ops.diff("w1", olds, { name: "a", size: 1, region: "EU", __provider: "new code" })).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test("in-place change and replacing change", async () => {
    expect(await ops.diff("w1", olds, { name: "b", size: 1, region: "EU" })).toMatchObject({ changes: true, replaces: [] });
    expect(await ops.diff("w1", olds, { name: "a", size: 1, region: "US" })).toEqual({
      changes: true,
      replaces: ["region"],
      deleteBeforeReplace: true,
    });
  });

  test("a replacement that depends on the old and the new value", async () => {
    expect(await ops.diff("w1", olds, { name: "legacy-a", size: 1, region: "US" })).toEqual({
      changes: true,
      replaces: ["region", "name"],
      deleteBeforeReplace: true,
    });
    expect(await ops.diff("w1", olds, { name: "legacy-a", size: 1, region: UNKNOWN })).toMatchObject({ replaces: ["region"] });
  });

  test("leaving out a clearable input is a change", async () => {
    expect(await ops.diff("w1", { ...olds, note: "x" }, { name: "a", size: 1, region: "EU" })).toMatchObject({ changes: true });
    expect(await ops.diff("w1", olds, { name: "a", size: 1, region: "EU" })).toMatchObject({ changes: false });
  });

  test("an unknown value is a change; an omitted optional input is not", async () => {
    expect(await ops.diff("w1", olds, { name: UNKNOWN, size: 1, region: "EU" })).toMatchObject({ changes: true });
    expect(await ops.diff("w1", { ...olds, tags: ["t"] }, { name: "a", size: 1, region: "EU" })).toMatchObject({ changes: false });
  });
});

describe("create, read, delete", () => {
  test("outputs never hold undefined", async () => {
    const result = await ops.create({ name: "a", size: 1, region: "EU", __provider: "x" });
    expect(result).toEqual({ id: "w1", outs: { name: "a", size: 1, region: "EU", widgetId: 1 } });
  });

  test("read of a resource that is gone returns no id, so refresh drops it", async () => {
    expect(await ops.read("gone", {})).toEqual({});
    expect(await ops.read("w1", { __provider: "x" })).toEqual({ id: "w1", props: { name: "a", size: 2, region: "EU", widgetId: 1 } });
  });

  test("delete of a resource already gone succeeds; other errors name the resource", async () => {
    await expect(ops.delete("gone", { name: "a" })).resolves.toBeUndefined();
    await expect(ops.delete("w1", { name: "a" })).rejects.toThrow("contabo: delete widget failed: HTTP 409: still in use [request id r-9]");
  });

  test("helpers", () => {
    expect(containsUnknown({ a: [1, { b: UNKNOWN }] })).toBe(true);
    expect(withoutUndefined({ a: undefined, b: [{ c: undefined, d: 1 }] })).toEqual({ b: [{ d: 1 }] });
  });
});

describe("create key", () => {
  /** Contabo's pattern for `x-request-id`, where Contabo creates carry the key. */
  const CONTABO_REQUEST_ID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-5][0-9A-Fa-f]{3}-[089abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;
  const base = createKeyFor("shop", "prod", "contabo:Widget", "w");
  const checkedKey = async (olds: Record<string, unknown>) =>
    (await ops.check(olds, { name: "a", size: 1, [CREATE_KEY]: base })).inputs?.[CREATE_KEY];

  test("is UUID-shaped, the same on every run, and differs per project, stack, type and name", () => {
    expect(base).toMatch(CONTABO_REQUEST_ID);
    expect(createKeyFor("shop", "prod", "contabo:Widget", "w")).toBe(base);
    const others = [
      createKeyFor("shop2", "prod", "contabo:Widget", "w"),
      createKeyFor("shop", "dev", "contabo:Widget", "w"),
      createKeyFor("shop", "prod", "contabo:Gadget", "w"),
      createKeyFor("shop", "prod", "contabo:Widget", "w2"),
      // Children of the same name under two components.
      createKeyFor("shop", "prod", "contabo:Widget", "w", "urn:pulumi:prod::shop::my:Web::eu"),
      createKeyFor("shop", "prod", "contabo:Widget", "w", "urn:pulumi:prod::shop::my:Web::us"),
    ];
    expect(new Set([base, ...others]).size).toBe(7);
  });

  test("a new resource is created with the program's key, which check keeps in the inputs", async () => {
    expect(await checkedKey({})).toBe(base);
    const checked = await ops.check({}, { name: "a", size: 1, [CREATE_KEY]: base });
    await ops.create({ ...checked.inputs, __provider: "code" });
    expect(createKeys).toEqual([base]);
  });

  test("a replacement gets a key of its own, the same again when a crashed run is re-run", async () => {
    const olds = { name: "a", size: 1, region: "EU", [CREATE_KEY]: base };
    const replacementKey = await checkedKey(olds);
    expect(replacementKey).toMatch(CONTABO_REQUEST_ID);
    expect(replacementKey).not.toBe(base);
    // The re-run sees the same old inputs in the state: the same key finds what the crashed run made.
    expect(await checkedKey(olds)).toBe(replacementKey);
    // The next replacement (the state now holding the replacement's key) differs again.
    expect(await checkedKey({ ...olds, [CREATE_KEY]: replacementKey })).not.toBe(replacementKey);
  });

  test("the engine's second check of a replacement, without the old inputs, hands out the replacement's key", async () => {
    const olds = { name: "a", size: 1, region: "EU", [CREATE_KEY]: base };
    const replacementKey = await checkedKey(olds);
    // The engine creates the replacement with the inputs of this second check.
    expect(await checkedKey({})).toBe(replacementKey);
    // Once only: a later check without old inputs (a new resource) gets the program's key.
    expect(await checkedKey({})).toBe(base);
  });

  describe("a keyed auto-name", () => {
    const named = providerOperations({
      cloud,
      kind: "Named",
      inputs: z.object({ name: z.string().min(1), size: z.number() }),
      outputNames: ["name", "size"],
      autoName: "name",
      keyedAutoName: true,
      describe: (values) => `named "${values.name}"`,
      create: async (_client, wanted) => ({ id: "n1", outputs: wanted }),
      read: async () => undefined,
      delete: async () => undefined,
    });
    const key = createKeyFor("shop", "prod", "contabo:Named", "web");
    const program = { size: 1, [AUTO_NAME]: "web", [CREATE_KEY]: key };
    const nameChecked = async (olds: Record<string, unknown>, news: Record<string, unknown> = program) =>
      (await named.check(olds, news)).inputs!;

    test("is the resource name and a suffix of the create key, the same on a re-run, and never an input of the resource", async () => {
      const first = await nameChecked({});
      expect(first.name).toMatch(/^web-[0-9a-f]{8}$/);
      expect(isKeyedName(first.name as string, key)).toBe(true);
      expect(first).not.toHaveProperty(AUTO_NAME);
      expect((await nameChecked({})).name).toBe(first.name);
    });

    test("is kept by the resource that has it; a replacement, checked again without old inputs, gets its own", async () => {
      const created = await nameChecked({});
      const kept = await nameChecked(created);
      expect(kept.name).toBe(created.name);
      const replacement = await nameChecked({});
      expect(replacement.name).not.toBe(created.name);
      expect(isKeyedName(replacement.name as string, replacement[CREATE_KEY] as string)).toBe(true);
      expect(isKeyedName(replacement.name as string, key)).toBe(false);
    });

    test("gives way to a name the program gives, which is not keyed", async () => {
      const given = await nameChecked({}, { ...program, name: "web" });
      expect(given.name).toBe("web");
      expect(isKeyedName("web", key)).toBe(false);
    });
  });

  test("is not a change, and never reaches the resource's own inputs", async () => {
    const olds = { name: "a", size: 1, region: "EU", widgetId: 1 };
    expect(await ops.diff("w1", olds, { name: "a", size: 1, region: "EU", [CREATE_KEY]: base })).toMatchObject({ changes: false });
    const { outs } = await ops.create({ name: "a", size: 1, region: "EU", [CREATE_KEY]: base });
    expect(outs).not.toHaveProperty(CREATE_KEY);
  });

  test("a create without a key (a direct call) gets a fresh one, which finds nothing", async () => {
    await ops.create({ name: "a", size: 1, region: "EU" });
    await ops.create({ name: "a", size: 1, region: "EU" });
    expect(createKeys[0]).toMatch(CONTABO_REQUEST_ID);
    expect(createKeys[1]).not.toBe(createKeys[0]);
  });
});

describe("serialized provider", () => {
  async function serialized(token: string): Promise<string> {
    const provider = providerFor(token);
    return (await pulumi.runtime.serializeFunction(() => provider)).text;
  }

  test("is small, identical for every resource of a type, and holds no credential", async () => {
    process.env.CNTB_OAUTH2_CLIENT_SECRET = "very-secret-client-secret";
    const text = await serialized("contabo:Instance");
    expect(Buffer.byteLength(text)).toBeLessThan(2048);
    expect(providerFor("contabo:Instance")).toBe(providerFor("contabo:Instance"));
    expect(await serialized("contabo:Instance")).toBe(text);
    expect(text).not.toContain("very-secret-client-secret");
    expect(text).toContain(`require("pulumi-eurocloud/runtime")`);
    // Nothing of the package is copied in: only the forwarding shim.
    expect(text).not.toMatch(/undici|zod|ContaboClient/);
    console.log(`serialized provider for contabo:Instance: ${Buffer.byteLength(text)} bytes`);
    delete process.env.CNTB_OAUTH2_CLIENT_SECRET;
  });
});

test("every string of a secret input that is a list (e.g. SSH keys) is redacted from errors", async () => {
  const keys = ["ssh-ed25519 AAAA-first-key me@laptop", "ssh-ed25519 AAAA-second-key me@desktop"];
  const echoing = providerOperations({
    cloud,
    kind: "Keyed",
    inputs: z.object({ name: z.string(), keys: z.array(z.string()) }),
    outputNames: ["name", "keys"],
    secretInputs: ["keys"],
    describe: (values) => `keyed "${values.name}"`,
    async create(_client, wanted) {
      // An API whose error quotes the request back.
      throw new CloudApiError({ cloud: "contabo", operation: "create keyed" }, 400, `bad request ${JSON.stringify(wanted)}`, undefined);
    },
    read: async () => undefined,
    delete: async () => undefined,
  });
  const message = await echoing.create({ name: "k", keys }).then(
    () => "created",
    (e: Error) => e.message,
  );
  expect(message).toContain("[redacted]");
  for (const key of keys) expect(message).not.toContain(key);
});

describe("runtime", () => {
  test("configuring a shim loads the resource types of its cloud only", async () => {
    await jest.isolateModulesAsync(async () => {
      const { configure } = await import("../src/core/runtime");
      const { registeredTokens } = await import("../src/core/registry");
      const request = { config: { get: () => undefined } };
      const clouds = () => [...new Set(registeredTokens().map((token) => token.split(":")[0]))];
      const shim = { token: "contabo:Tag", configure: async () => undefined };
      await configure(shim, request);
      expect(clouds()).toEqual(["contabo"]);
      expect(typeof (shim as unknown as { create: unknown }).create).toBe("function");
      await configure({ token: "ionos:Lan", configure: async () => undefined }, request);
      expect(clouds().sort()).toEqual(["contabo", "ionos"]);
      await expect(configure({ token: "acme:Thing", configure: async () => undefined }, request)).rejects.toThrow("unknown resource type acme:Thing");
    });
  });
});

describe("a create that adopts what an earlier run made", () => {
  const deleted: string[] = [];
  const adopting = providerOperations({
    cloud,
    kind: "Adoptable",
    inputs: z.object({ name: z.string() }),
    outputNames: ["name"],
    describe: (values) => `adoptable "${values.name}"`,
    // "old" exists already under this create key (as after `pulumi up --replace`); others are made.
    create: async (_client, wanted) => ({
      id: await createOnce({ what: "create", find: async () => (wanted.name === "old" ? "a1" : undefined), send: async () => "a2" }),
      outputs: wanted,
    }),
    read: async (_client, _id, olds) => ({ name: olds.name ?? "" }),
    delete: async (_client, id) => void deleted.push(id),
  });

  test("is not deleted by the same process as the resource it replaced (up --replace): it is the one recorded", async () => {
    expect((await adopting.create({ name: "old" })).id).toBe("a1");
    await adopting.delete("a1", { name: "old" });
    expect(deleted).toEqual([]);
  });

  test("a resource the process made itself is deleted as usual", async () => {
    expect((await adopting.create({ name: "new" })).id).toBe("a2");
    await adopting.delete("a2", { name: "new" });
    expect(deleted).toEqual(["a2"]);
  });
});
