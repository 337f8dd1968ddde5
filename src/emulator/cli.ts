/**
 * `npm run emulator`: starts the emulators on 127.0.0.1, prints their URLs and credentials as one
 * JSON line, and runs until stopped. Options: `--port N`, `--provisioning-ms N`.
 */
import { parseArgs } from "node:util";
import { startContaboEmulator } from "./contabo/emulator";

async function main() {
  const { values } = parseArgs({
    options: { port: { type: "string", default: "0" }, "provisioning-ms": { type: "string", default: "5000" } },
  });
  const contabo = await startContaboEmulator({
    port: Number(values.port),
    provisioningMs: Number(values["provisioning-ms"]),
  });
  const { clientId, clientSecret, username, password } = contabo.credentials;
  console.log(
    JSON.stringify({ contabo: { apiUrl: contabo.url, tokenUrl: contabo.tokenUrl, clientId, clientSecret, user: username, password } }),
  );
  const stop = async () => {
    await contabo.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
