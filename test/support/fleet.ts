/**
 * The fleet stack (bench/programs/fleet.ts) on the Contabo, IONOS and OVH emulators: many
 * resources of the three clouds, with the requests each emulator received counted.
 */
import * as path from "node:path";
import { type ContaboEmulator, type IonosEmulator, startContaboEmulator, startIonosEmulator } from "../../src/emulator";
import { TOKEN_PATH as IONOS_TOKEN_PATH } from "../../src/emulator/ionos/emulator";
import { type OvhEmulator, startOvhEmulator } from "../../src/emulator/ovh/emulator";
import { type HarnessResult, runHarness } from "../harness";
import { findUp } from "../harness/project";
import { contaboEnv } from "./contabo";
import { ionosEnv } from "./ionos";
import { ovhKeyEnv } from "./ovh";

/** The compiled program, found from here whether this file runs from src (ts-jest) or from dist. */
export const FLEET_PROGRAM = path.join(findUp(__dirname, "package.json")!, "dist/bench/programs/fleet.js");

export interface FleetCounts {
  contaboInstances?: number;
  contaboTags?: number;
  ionosServers?: number;
  ionosLans?: number;
  /** OVH SSH keys and private networks, in the emulator's project (`FLEET_OVH_PROJECT`). */
  ovhKeys?: number;
  ovhNetworks?: number;
}

export interface Fleet {
  contabo: ContaboEmulator;
  ionos: IonosEmulator;
  ovh: OvhEmulator;
  /** The environment a run of the fleet program needs: the emulators' settings and the counts. */
  env: Record<string, string>;
  run(op: "up" | "refresh" | "destroy", state: string): Promise<HarnessResult>;
  /** Runs an action and returns the requests each cloud received meanwhile, token requests apart. */
  requestsDuring<T>(action: () => Promise<T>): Promise<{ result: T; contabo: CloudRequests; ionos: CloudRequests; ovh: OvhRequests }>;
  stop(): Promise<void>;
}

export interface CloudRequests {
  /** `METHOD path` of each API request. */
  api: string[];
  tokens: number;
}

/** OVH's requests, and how its limit of 20 a second fared: the most in any second, and the 429s. */
export interface OvhRequests extends CloudRequests {
  busiestSecond: number;
  refused: number;
}

/** How long the clouds take: a Contabo order, an IONOS request (one at a time per data center), an OVH build. */
export interface FleetTiming {
  contaboOrderMs?: number;
  ionosRequestMs?: number;
  /** An OVH instance's build; a private network's region is ready in a quarter of it. */
  ovhBuildMs?: number;
}

/** The most arrivals (ms) in any window of one second. */
function busiestSecond(arrivals: number[]): number {
  let most = 0;
  for (let first = 0, last = 0; last < arrivals.length; last++) {
    while (arrivals[last] - arrivals[first] >= 1000) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/** Both emulators, quick to provision unless told, and without the IONOS rate limit getting in the way of hundreds of resources. */
export async function startFleet(counts: FleetCounts, timing: FleetTiming = {}): Promise<Fleet> {
  const contabo = await startContaboEmulator({ provisioningMs: timing.contaboOrderMs ?? 100 });
  const ionos = await startIonosEmulator({ requestMs: timing.ionosRequestMs ?? 2, rateLimit: { perMinute: 600_000, burst: 10_000 } });
  const ovh = await startOvhEmulator({ buildMs: timing.ovhBuildMs ?? 100 });
  const env = {
    ...contaboEnv(contabo),
    ...ionosEnv(ionos),
    ...ovhKeyEnv(ovh),
    FLEET_OVH_PROJECT: ovh.serviceName,
    FLEET_OVH_KEYS: String(counts.ovhKeys ?? 0),
    FLEET_OVH_NETWORKS: String(counts.ovhNetworks ?? 0),
    FLEET_CONTABO_INSTANCES: String(counts.contaboInstances ?? 0),
    FLEET_CONTABO_TAGS: String(counts.contaboTags ?? 0),
    FLEET_IONOS_SERVERS: String(counts.ionosServers ?? 0),
    FLEET_IONOS_LANS: String(counts.ionosLans ?? 0),
  };
  const contaboTokenPath = new URL(contabo.tokenUrl).pathname;
  const requestsSince = (entries: { method: string; path: string }[], from: number, tokenPath: string): CloudRequests => {
    const made = entries.slice(from);
    return {
      api: made.filter((e) => e.path !== tokenPath).map((e) => `${e.method} ${e.path}`),
      tokens: made.filter((e) => e.path === tokenPath).length,
    };
  };
  return {
    contabo,
    ionos,
    ovh,
    env,
    run: (op, state) => runHarness({ op, program: FLEET_PROGRAM, state, env }),
    async requestsDuring(action) {
      const before = { contabo: contabo.log.entries.length, ionos: ionos.log.entries.length, ovh: ovh.log.entries.length };
      const ovhBefore = { arrivals: ovh.rate.arrivals.length, refused: ovh.rate.refused };
      const result = await action();
      return {
        result,
        contabo: requestsSince(contabo.log.entries, before.contabo, contaboTokenPath),
        ionos: requestsSince(ionos.log.entries, before.ionos, IONOS_TOKEN_PATH),
        ovh: {
          ...requestsSince(ovh.log.entries, before.ovh, new URL(ovh.tokenUrl).pathname),
          busiestSecond: busiestSecond(ovh.rate.arrivals.slice(ovhBefore.arrivals)),
          refused: ovh.rate.refused - ovhBefore.refused,
        },
      };
    },
    stop: async () => {
      await Promise.all([contabo.stop(), ionos.stop(), ovh.stop()]);
    },
  };
}
