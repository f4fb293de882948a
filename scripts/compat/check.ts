#!/usr/bin/env bun
// `bun run compat:check [--candidate <client>@<version>] [baseline]`: are the client behaviours prodex
// depends on still in both ends of each supported range? Offline: strings in the installed native
// binaries + replay fixtures. `--candidate` (compat:add) checks the version apps/cli pins for the
// moment in the newest end's place, so a `since` that an older release already meets is noted.
import { join } from "node:path";
import { PROVIDER_SWITCHES } from "../../apps/cli/src/launch/claude-launch.ts";
import { SUPPORTED } from "../../apps/cli/src/launch/supported-versions.ts";
import { compareVersions } from "../../apps/cli/src/launch/version-order.ts";
import { checkCompat } from "../../packages/manifest/src/compat/compat.ts";

const root = join(import.meta.dir, "../..");
const args = process.argv.slice(2);
const at = args.indexOf("--candidate");
const candidate = at === -1 ? null : /^(codex|claude)@(\S+)$/.exec(args.splice(at, 2)[1] ?? "");
if (at !== -1 && !candidate) {
  console.error("compat:check: --candidate wants <codex|claude>@<version>");
  process.exit(2);
}
const ranges = candidate
  ? {
      ...SUPPORTED,
      [candidate[1] as string]: { ...SUPPORTED[candidate[1] as "codex" | "claude"], newest: candidate[2] as string },
    }
  : SUPPORTED;
const baseline = args[0] ?? join(import.meta.dir, "upstream-baseline.json");
const started = performance.now();
const r = await checkCompat(root, baseline, {
  ranges,
  compare: compareVersions,
  providerSwitches: {
    client: "claude",
    known: PROVIDER_SWITCHES,
    where: "PROVIDER_SWITCHES in apps/cli/src/launch/claude-launch.ts",
  },
});
for (const n of r.notes) console.log(`  ${n}`);
for (const p of r.problems) console.log(`✗ ${p}`);
for (const m of r.missing) console.log(`✗ missing ${m.message}`);
const ms = Math.round(performance.now() - started);
const bad = r.problems.length + r.missing.length;
const ends = Object.entries(ranges)
  .map(([name, s]) => `${name} ${s.oldest}–${s.newest}`)
  .join(", ");
console.log(
  bad === 0
    ? `compat: ok — ${r.checked} checks on ${ends} (${ms} ms)`
    : `compat: ${r.missing.length} missing, ${r.problems.length} problem(s) of ${r.checked} checks (${ms} ms)`,
);
process.exitCode = bad === 0 ? 0 : 1;
