/**
 * Unit tests of the resource kit: check (validation, unknowns, settings), diff (changes, replaces),
 * outputs, and the serialized provider (small, identical per type, free of credentials).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { type CloudBinding, UNKNOWN, containsUnknown, providerOperations, withoutUndefined } from "../src/core/kit";
import { providerFor } from "../src/core/provider";
import { CloudApiError } from "../src/core/errors";

let settingsProblems: { property: string; reason: string }[] = [];
const calls: string[] = [];
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
