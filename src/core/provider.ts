/**
 * The serialized provider. Pulumi stores this object's code in the state of every resource
 * (`__provider`), twice, and runs the stored code again for refresh and destroy. So it is as
 * thin as it can be: the type token and a `configure` method that loads the package's runtime
 * in the provider host and lets it attach the real operations (check, diff, create, read,
 * update, delete) to this object. The provider host always awaits `configure` right after it
 * deserializes a provider and before any other call (Pulumi >= 3.139, the peer dependency).
 * Nothing else is captured: no credentials, no clients, no package code.
 */
import type * as pulumi from "@pulumi/pulumi";

export interface ProviderShim {
  token: string;
  configure(request: unknown): Promise<void>;
}

const shims = new Map<string, ProviderShim>();

/** One shim per resource type, so the serialized text is cached and identical across resources. */
export function providerFor(token: string): pulumi.dynamic.ResourceProvider {
  let shim = shims.get(token);
  if (!shim) {
    shim = {
      token,
      configure(request: unknown) {
        return require("pulumi-eurocloud/runtime").configure(this, request);
      },
    };
    shims.set(token, shim);
  }
  // The operations are attached at run time by `configure` (see above).
  return shim as unknown as pulumi.dynamic.ResourceProvider;
}
