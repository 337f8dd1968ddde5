/**
 * `npm run emulator`: starts the emulators on 127.0.0.1, prints their URLs and credentials as one
 * JSON line, and runs until stopped. Options: `--port N` (Contabo's), `--provisioning-ms N` (how long
 * a Contabo order takes), `--request-ms N` (how long an IONOS request runs), `--build-ms N` (how
 * long an OVH instance takes to build).
 */
import { parseArgs } from "node:util";
import { startContaboEmulator } from "./contabo/emulator";
import { startIonosEmulator } from "./ionos/emulator";
import { startOvhEmulator } from "./ovh/emulator";

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "0" },
      "provisioning-ms": { type: "string", default: "5000" },
      "request-ms": { type: "string", default: "1000" },
      "build-ms": { type: "string", default: "5000" },
    },
  });
  const contabo = await startContaboEmulator({
    port: Number(values.port),
    provisioningMs: Number(values["provisioning-ms"]),
  });
  const ionos = await startIonosEmulator({ requestMs: Number(values["request-ms"]) });
  const ovh = await startOvhEmulator({ buildMs: Number(values["build-ms"]) });
  const { clientId, clientSecret, username, password } = contabo.credentials;
  console.log(
    JSON.stringify({
      contabo: { apiUrl: contabo.url, tokenUrl: contabo.tokenUrl, clientId, clientSecret, user: username, password },
      ionos: { apiUrl: ionos.apiUrl, ...ionos.credentials },
      ovh: { endpoint: ovh.apiUrl, oauth2TokenUrl: ovh.tokenUrl, serviceName: ovh.serviceName, ...ovh.credentials },
    }),
  );
  const stop = async () => {
    await Promise.all([contabo.stop(), ionos.stop(), ovh.stop()]);
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
