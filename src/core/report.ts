/**
 * Messages to the user during an operation: the status of a wait, warnings, and notes that matter
 * after the run. In the provider host that the Pulumi engine started, they go through the engine's
 * `Log` RPC under the URN of the resource being worked on, so the CLI shows them on that
 * resource's line (a status is ephemeral: each one replaces the previous). Elsewhere (the test
 * harness, a direct call), or when the engine cannot be reached, they go to stderr. Every text is
 * redacted first; logging never fails an operation.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import * as path from "node:path";
import { redact } from "./redact";

export type Severity = "status" | "info" | "warning";

/** The resource an operation of the kit is about: its URN, when the program gave it. */
export const currentResource = new AsyncLocalStorage<{ urn?: string }>();

interface EngineLog {
  log(severity: Exclude<Severity, "status">, message: string, urn: string, ephemeral: boolean): Promise<void>;
}

/** undefined: not looked for yet; null: no engine (or it could not be reached). */
let engine: EngineLog | null | undefined;

/**
 * The engine of this process: the dynamic-provider host is started as
 * `node .../cmd/dynamic-provider <engine address>`; the harness passes a port 0 (no engine).
 */
function engineLog(): EngineLog | null {
  if (engine !== undefined) return engine;
  engine = null;
  const [, script, address] = process.argv;
  if (!script?.includes("dynamic-provider") || !address || /:0$/.test(address)) return engine;
  try {
    // The gRPC library and generated clients that the provider host itself runs on.
    const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi"));
    const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
    const { EngineClient } = require("@pulumi/pulumi/proto/engine_grpc_pb");
    const { LogRequest, LogSeverity } = require("@pulumi/pulumi/proto/engine_pb");
    const client = new EngineClient(address, grpc.credentials.createInsecure());
    const severities = { info: LogSeverity.INFO, warning: LogSeverity.WARNING };
    engine = {
      log: (severity, message, urn, ephemeral) =>
        new Promise((resolve, reject) => {
          const request = new LogRequest();
          request.setSeverity(severities[severity]);
          request.setMessage(message);
          request.setUrn(urn);
          request.setEphemeral(ephemeral);
          client.log(request, (error: Error | null) => (error ? reject(error) : resolve()));
        }),
    };
  } catch {
    engine = null;
  }
  return engine;
}

/** True when messages reach the engine (a resource's line) rather than stderr. */
export function onResourceLine(): boolean {
  return currentResource.getStore()?.urn !== undefined && engineLog() !== null;
}

const toStderr = (severity: Severity, message: string) =>
  process.stderr.write(`[eurocloud] ${severity === "warning" ? "warning: " : ""}${message}\n`);

/**
 * Reports a message on the current resource's line. `stderrPrefix` is put before it where there
 * is no resource line to tell which resource it is about (e.g. `contabo: create instance "web"`).
 */
export function report(severity: Severity, message: string, stderrPrefix?: string): void {
  const text = redact(message);
  const urn = currentResource.getStore()?.urn;
  const target = urn === undefined ? null : engineLog();
  const fallback = () => toStderr(severity, stderrPrefix ? `${redact(stderrPrefix)}: ${text}` : text);
  if (!target || urn === undefined) return void fallback();
  target.log(severity === "status" ? "info" : severity, text, urn, severity === "status").catch(fallback);
}

/** The status of an operation under way (a wait, a retry): replaces the previous one on the resource's line. */
export const progress = (message: string, stderrPrefix?: string) => report("status", message, stderrPrefix);

const warned = new Set<string>();

/** A warning on the current resource, once per resource and text in this process (one engine run). */
export function warnOnce(message: string, stderrPrefix?: string): void {
  const key = `${currentResource.getStore()?.urn ?? stderrPrefix ?? ""} ${message}`;
  if (warned.has(key)) return;
  warned.add(key);
  report("warning", message, stderrPrefix);
}
