/**
 * The fleet stack (bench/programs/fleet.ts) on the Contabo and IONOS emulators: many resources of
 * both clouds through the harness, with the requests each emulator received counted.
 */
import * as path from "node:path";
import { type ContaboEmulator, type IonosEmulator, startContaboEmulator, startIonosEmulator } from "../../src/emulator";
import { TOKEN_PATH as IONOS_TOKEN_PATH } from "../../src/emulator/ionos/emulator";
import { type HarnessResult, runHarness } from "../harness";
import { findUp } from "../harness/project";
import { contaboEnv } from "./contabo";
import { ionosEnv } from "./ionos";

/** The compiled program, found from here whether this file runs from src (ts-jest) or from dist. */
export const FLEET_PROGRAM = path.join(findUp(__dirname, "package.json")!, "dist/bench/programs/fleet.js");

export interface FleetCounts {
  contaboInstances?: number;
  contaboTags?: number;
  ionosServers?: number;
  ionosLans?: number;
}

export interface Fleet {
  contabo: ContaboEmulator;
  ionos: IonosEmulator;
  /** The environment a run of the fleet program needs: the emulators' settings and the counts. */
  env: Record<string, string>;
  run(op: "up" | "refresh" | "destroy", state: string): Promise<HarnessResult>;
  /** Runs an action and returns the requests each cloud received meanwhile, token requests apart. */
  requestsDuring<T>(action: () => Promise<T>): Promise<{ result: T; contabo: CloudRequests; ionos: CloudRequests }>;
  stop(): Promise<void>;
}

export interface CloudRequests {
  /** `METHOD path` of each API request. */
  api: string[];
  tokens: number;
}

/** How long the clouds take: a Contabo order, an IONOS request (one at a time per data center). */
export interface FleetTiming {
  contaboOrderMs?: number;
  ionosRequestMs?: number;
}

/** Both emulators, quick to provision unless told, and without the IONOS rate limit getting in the way of hundreds of resources. */
export async function startFleet(counts: FleetCounts, timing: FleetTiming = {}): Promise<Fleet> {
  const contabo = await startContaboEmulator({ provisioningMs: timing.contaboOrderMs ?? 100 });
  const ionos = await startIonosEmulator({ requestMs: timing.ionosRequestMs ?? 2, rateLimit: { perMinute: 600_000, burst: 10_000 } });
  const env = {
    ...contaboEnv(contabo),
    ...ionosEnv(ionos),
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
    env,
    run: (op, state) => runHarness({ op, program: FLEET_PROGRAM, state, env }),
    async requestsDuring(action) {
      const before = { contabo: contabo.log.entries.length, ionos: ionos.log.entries.length };
      const result = await action();
      return {
        result,
        contabo: requestsSince(contabo.log.entries, before.contabo, contaboTokenPath),
        ionos: requestsSince(ionos.log.entries, before.ionos, IONOS_TOKEN_PATH),
      };
    },
    stop: async () => {
      await Promise.all([contabo.stop(), ionos.stop()]);
    },
  };
}
