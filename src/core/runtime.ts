/**
 * The provider host's entry point into the package (`require("pulumi-eurocloud/runtime")`): the
 * serialized provider shim forwards every engine call here with the resource type token.
 * Loading it registers every resource type.
 */
import "../index";
import { operationsFor } from "./registry";
import { setStackConfig } from "./settings";

type Args = unknown[];

export async function configure(req: { config: { get(key: string): string | undefined } }): Promise<void> {
  setStackConfig((key) => req.config.get(key));
}

export function check(token: string, [olds, news]: Args) {
  return operationsFor(token).check(olds as never, news as never);
}

export function diff(token: string, [id, olds, news]: Args) {
  return operationsFor(token).diff(id as string, olds as never, news as never);
}

export function create(token: string, [inputs]: Args) {
  return operationsFor(token).create(inputs as never);
}

export function read(token: string, [id, props]: Args) {
  return operationsFor(token).read(id as string, props as never);
}

export function update(token: string, [id, olds, news]: Args) {
  return operationsFor(token).update(id as string, olds as never, news as never);
}

// `delete` is a reserved word: exported under that name for the shim.
function remove(token: string, [id, props]: Args) {
  return operationsFor(token).delete(id as string, props as never);
}
export { remove as delete };
