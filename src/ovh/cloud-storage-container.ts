/**
 * `ovh.CloudStorageContainer`: an object-storage (Swift) container of a Public Cloud project, in
 * one storage region, private or public (readable by anyone). The type changes in place
 * (`PUT /cloud/project/{serviceName}/storage/{containerId}`); the region and name replace it.
 */
import { z } from "zod";
import { readOrUndefined } from "../core/errors";
import { type ResourceOutputs, defineResource, documented, isKeyedName } from "../core/kit";
import { idPart, idParts } from "../core/ids";
import { createOnce, sendOnce } from "../core/reconcile";
import { ovh } from "./client";
import { cloudRegion, path, serviceName } from "./common";

/** The inputs of an `ovh.CloudStorageContainer`. */
export interface CloudStorageContainerArgs {
  /**
   * The id of the Public Cloud project the container belongs to (`serviceName` in OVH's API): 32
   * hexadecimal characters. A change replaces the container.
   */
  serviceName: string;
  /**
   * The object-storage region, e.g. `GRA`, `SBG`, `BHS`, `DE`, `UK` or `WAW`. A change replaces
   * the container.
   */
  region: string;
  /**
   * The container's name: 1 to 255 characters, no `/`, unique in its region. Defaults to the
   * resource name, a dash and 8 hexadecimal digits of the create key (e.g. `assets-1a2b3c4d`), new
   * for a replacement. A change replaces the container.
   */
  name: string;
  /**
   * Who can read the container's objects: `private` (only the project's users) or `public`
   * (anyone, over its static URL). A change takes effect in place.
   * @default "private"
   */
  type?: "private" | "public";
}

/** The outputs of an `ovh.CloudStorageContainer`. */
export type CloudStorageContainerOutputs = Omit<Required<CloudStorageContainerArgs>, "type"> & {
  /** The container's type at OVH: private, public (or static, when set so outside Pulumi). */
  type: string;
  /** The container's id at OVH. */
  containerId: string;
  /** The container's static URL (where a public container's objects are read). */
  staticUrl: string;
  /** How many bytes the container holds. */
  storedBytes: number;
  /** How many objects the container holds. */
  storedObjects: number;
};

const inputs = documented<CloudStorageContainerArgs>()(z.object({
  serviceName,
  region: cloudRegion,
  name: z.string().min(1).max(255).refine((name) => !name.includes("/"), "must not contain /"),
  type: z.enum(["private", "public"]).default("private"),
}));

const containerSummary = z.object({ id: z.string(), name: z.string(), region: z.string() });
const containerDetail = z.object({
  name: z.string(),
  region: z.string(),
  containerType: z.string(),
  staticUrl: z.string(),
  storedBytes: z.number(),
  storedObjects: z.number(),
});

const containersPath = (project: string) => path`/cloud/project/${project}/storage`;
const containerPath = (project: string, containerId: string) => path`/cloud/project/${project}/storage/${containerId}`;

function outputsOf(project: string, containerId: string, detail: z.infer<typeof containerDetail>): CloudStorageContainerOutputs {
  const { name, region, containerType, staticUrl, storedBytes, storedObjects } = detail;
  return { serviceName: project, region, name, type: containerType, containerId, staticUrl, storedBytes, storedObjects };
}

const CloudStorageContainerResource = defineResource({
  cloud: ovh,
  kind: "CloudStorageContainer",
  inputs,
  idOutputs: { containerId: idPart(1) },
  outputNames: ["serviceName", "region", "name", "type", "containerId", "staticUrl", "storedBytes", "storedObjects"],
  autoName: "name",
  keyedAutoName: true,
  replaceOnChange: ["serviceName", "region", "name"],
  describe: (values, id) => `storage container ${values.name ? `"${values.name}"` : id}`,

  async create(client, wanted, scope) {
    const { serviceName: project, region, name, type } = wanted;
    // Names are unique in a region: after a lost answer, the container of this name is the one
    // the create made. A keyed name is this create's alone, so it is looked up before creating
    // too (a run that follows a crashed one); a name the program gave may be another's container.
    const keyed = isKeyedName(name, scope.createKey);
    const made = await (keyed ? createOnce : sendOnce)<z.infer<typeof containerSummary>>({
      what: `create storage container "${name}" in ${region}`,
      send: () =>
        client.request(scope.context("create storage container"), "POST", containersPath(project), containerSummary, {
          body: { archive: false, containerName: name, region },
        }),
      find: async () => {
        const listed = await client.request(scope.context("look up storage container"), "GET", containersPath(project), z.array(containerSummary));
        return listed.find((c) => c.name === name && c.region === region);
      },
    });
    const id = `${project}/${made.id}`;
    // A container is made private: a public one is set so at once (a repeated PUT is harmless).
    if (type !== "private") {
      scope.created(id, { serviceName: project, region, name, type: "private", containerId: made.id, staticUrl: "", storedBytes: 0, storedObjects: 0 });
      await client.call(scope.context("set storage container type"), "PUT", containerPath(project, made.id), { body: { containerType: type } });
    }
    const detail = await client.request(scope.context("read storage container"), "GET", containerPath(project, made.id), containerDetail, { query: { noObjects: "true" } });
    return { id, outputs: outputsOf(project, made.id, detail) };
  },

  async read(client, id, _olds, scope) {
    const [project, containerId] = idParts("ovh", id, ["serviceName", "containerId"]);
    return readOrUndefined(async () =>
      outputsOf(
        project,
        containerId,
        await client.request(scope.context("read storage container"), "GET", containerPath(project, containerId), containerDetail, { query: { noObjects: "true" } }),
      ),
    );
  },

  async update(client, id, wanted, _olds, changed, scope) {
    const [project, containerId] = idParts("ovh", id, ["serviceName", "containerId"]);
    if (changed.includes("type")) {
      await client.call(scope.context("set storage container type"), "PUT", containerPath(project, containerId), { body: { containerType: wanted.type } });
    }
    const detail = await client.request(scope.context("read storage container"), "GET", containerPath(project, containerId), containerDetail, { query: { noObjects: "true" } });
    return outputsOf(project, containerId, detail);
  },

  async delete(client, id, _olds, scope) {
    const [project, containerId] = idParts("ovh", id, ["serviceName", "containerId"]);
    await client.call(scope.context("delete storage container"), "DELETE", containerPath(project, containerId));
  },
});

export interface CloudStorageContainer extends ResourceOutputs<CloudStorageContainerOutputs> {}
export class CloudStorageContainer extends CloudStorageContainerResource {}
