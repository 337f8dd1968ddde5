/**
 * The provider host's entry point into the package (`require("pulumi-eurocloud/runtime")`).
 * The serialized provider shim calls `configure` here; it records the stack config and attaches
 * the operations of the shim's resource type. Loading this module registers every resource type.
 */
import "../index";
import type { ProviderShim } from "./provider";
import { operationsFor } from "./registry";
import { setStackConfig } from "./settings";

export async function configure(
  shim: ProviderShim,
  request: { config: { get(key: string): string | undefined } },
): Promise<void> {
  setStackConfig((key) => request.config.get(key));
  const ops = operationsFor(shim.token);
  Object.assign(shim, {
    check: ops.check,
    diff: ops.diff,
    create: ops.create,
    read: ops.read,
    update: ops.update,
    delete: ops.delete,
  });
}
