/**
 * The provider host's entry point into the package (`require("pulumi-eurocloud/runtime")`).
 * The serialized provider shim calls `configure` here; it records the stack config and attaches
 * the operations of the shim's resource type. Loading a cloud's module registers its resource
 * types: only the cloud of the shim's type is loaded, so a stack of one cloud never loads the
 * code of the others (less start-up time and memory in the provider host).
 */
import type { ProviderShim } from "./provider";
import { operationsFor } from "./registry";
import { setStackConfig } from "./settings";

const CLOUD_MODULES: Record<string, () => unknown> = {
  contabo: () => require("../contabo"),
  ionos: () => require("../ionos"),
  ovh: () => require("../ovh"),
};

export async function configure(
  shim: ProviderShim,
  request: { config: { get(key: string): string | undefined } },
): Promise<void> {
  setStackConfig((key) => request.config.get(key));
  // A token of no known cloud fails in operationsFor, with the message for an unknown type.
  CLOUD_MODULES[shim.token.split(":")[0]]?.();
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
