/** A stack of many Contabo tags (`BENCH_TAGS` of them), for the state-size benchmark. */
import { contabo } from "pulumi-eurocloud";

const count = Number(process.env.BENCH_TAGS ?? "10");
for (let i = 0; i < count; i++) new contabo.Tag(`tag-${i}`, { color: "#0A78C3" });
