/**
 * Adopts one existing cloud resource by its id with the resource class's static `get` (the engine
 * cannot `pulumi import` dynamic resources), for the real-engine suites.
 *
 * Config: `type` (e.g. `contabo:Tag`), `id`, and the cloud's provider settings. Exports the
 * adopted resource's outputs as `adopted`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as eurocloud from "pulumi-eurocloud";

const config = new pulumi.Config();
const [cloud, kind] = config.require("type").split(":");
const classes = eurocloud[cloud as keyof typeof eurocloud] as unknown as Record<string, { get(name: string, id: string): pulumi.Resource }>;
if (!classes?.[kind]) throw new Error(`no resource type ${cloud}:${kind}`);

export const adopted = classes[kind].get("adopted", config.require("id"));
