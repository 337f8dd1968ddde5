/** The dynamic-provider operations of every resource type, by type token (`contabo:Tag`). */
import type { ProviderOperations } from "./kit";

const operations = new Map<string, ProviderOperations>();

export function registerOperations(token: string, ops: ProviderOperations): void {
  if (operations.has(token)) throw new Error(`resource type ${token} is defined twice`);
  operations.set(token, ops);
}

export function operationsFor(token: string): ProviderOperations {
  const ops = operations.get(token);
  if (!ops) throw new Error(`eurocloud: unknown resource type ${token}: is the installed pulumi-eurocloud older than the state?`);
  return ops;
}

export function registeredTokens(): string[] {
  return [...operations.keys()];
}
