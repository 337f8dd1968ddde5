/**
 * The serialized provider. Pulumi stores this object's code in the state of every resource
 * (`__provider`), so it is a thin shim: each method loads the package's runtime when it is
 * called, in the provider host, and forwards with the type token. It captures nothing else: no
 * credentials, no clients, no package code. One object per resource type keeps the text cached
 * and identical across resources.
 */
import type * as pulumi from "@pulumi/pulumi";

const shims = new Map<string, pulumi.dynamic.ResourceProvider>();

export function providerFor(token: string): pulumi.dynamic.ResourceProvider {
  let shim = shims.get(token);
  if (!shim) {
    shim = {
      token,
      configure(r: unknown) { return require("pulumi-eurocloud/runtime").configure(r); },
      check(...a: unknown[]) { return require("pulumi-eurocloud/runtime").check(this.token, a); },
      diff(...a: unknown[]) { return require("pulumi-eurocloud/runtime").diff(this.token, a); },
      create(...a: unknown[]) { return require("pulumi-eurocloud/runtime").create(this.token, a); },
      read(...a: unknown[]) { return require("pulumi-eurocloud/runtime").read(this.token, a); },
      update(...a: unknown[]) { return require("pulumi-eurocloud/runtime").update(this.token, a); },
      delete(...a: unknown[]) { return require("pulumi-eurocloud/runtime").delete(this.token, a); },
    } as pulumi.dynamic.ResourceProvider & { token: string };
    shims.set(token, shim);
  }
  return shim;
}
