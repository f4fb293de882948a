#!/usr/bin/env bun
// `bun run compat:add <codex|claude> <version>`: try a client version and, when it is green, make
// it an end of the supported range. Installs it (a newer one as apps/cli's pin, an older one under
// the root's npm alias), runs `compat:check` on the new range and the e2e suite against it (the
// e2e suite runs against apps/cli's pin, so an older version is pinned there for the run), then
// writes the range (packages/core/src/compat/supported-versions.json), the README line and the
// baseline's record of checked versions. Anything red: every file is put back and `bun install` rerun.
import { join } from "node:path";
import {
  type Agent,
  SUPPORTED,
  rangeLabel,
  readmeRangeLine,
  versionVerdict,
} from "../../apps/cli/src/launch/supported-versions.ts";
import { E2E_SUITES, type Step, nextRange } from "./add-plan.ts";

const root = join(import.meta.dir, "../..");
const [client, versionArg] = process.argv.slice(2);
const usage = "usage: bun run compat:add <codex|claude> <version>   e.g. bun run compat:add codex 0.172.0";

function fail(message: string, code = 2): never {
  console.error(`compat:add: ${message}`);
  process.exit(code);
}

if (client !== "codex" && client !== "claude") fail(`unknown client "${client ?? ""}"; ${usage}`);
if (!versionArg || !/^\d+\.\d+\.\d+(?:-[\w.]+)?$/.test(versionArg))
  fail(`"${versionArg ?? ""}" is not a version like 1.2.3; ${usage}`);
const version: string = versionArg;
const agent: Agent = client;
const range = SUPPORTED[agent];
const verdict = versionVerdict(version, range);
const next = nextRange(range, version);
const where = verdict === "inside" ? "inside" : verdict === "unknown" ? "not comparable with" : `${verdict} than`;
console.log(
  `compat:add: ${range.name} ${version} is ${where} the supported range ${rangeLabel(range)}; if green: ${rangeLabel(next)}`,
);

const files = {
  cliPackage: join(root, "apps/cli/package.json"),
  rootPackage: join(root, "package.json"),
  lock: join(root, "bun.lock"),
  range: join(root, "packages/core/src/compat/supported-versions.json"),
  readme: join(root, "README.md"),
  baseline: join(import.meta.dir, "upstream-baseline.json"),
};
const saved = new Map<string, string>();
for (const f of Object.values(files)) saved.set(f, await Bun.file(f).text());

async function run(step: Step): Promise<boolean> {
  console.log(`\n=== ${step.label}: ${step.cmd.join(" ")}`);
  const proc = Bun.spawn(step.cmd, { cwd: root, stdout: "inherit", stderr: "inherit", stdin: "ignore" });
  return (await proc.exited) === 0;
}

const bunInstall: Step = { label: "install", cmd: ["bun", "install"] };

async function editJson(path: string, edit: (json: Record<string, unknown>) => void): Promise<void> {
  const json = (await Bun.file(path).json()) as Record<string, unknown>;
  edit(json);
  await Bun.write(path, `${JSON.stringify(json, null, 2)}\n`);
}

async function pin(v: string): Promise<void> {
  await editJson(files.cliPackage, (p) => {
    (p.dependencies as Record<string, string>)[range.package] = v;
  });
}

async function setOldestAlias(v: string): Promise<void> {
  const baseline = (await Bun.file(files.baseline).json()) as { clients: Record<string, { oldestInstall: string }> };
  const alias = baseline.clients[agent]?.oldestInstall;
  if (!alias) fail(`the baseline names no oldestInstall alias for ${agent}`);
  await editJson(files.rootPackage, (p) => {
    (p.devDependencies as Record<string, string>)[alias] = `npm:${range.package}@${v}`;
  });
}

async function writeRange(r: { oldest: string; newest: string }): Promise<void> {
  await editJson(files.range, (j) => {
    Object.assign(j[agent] as object, { oldest: r.oldest, newest: r.newest });
  });
  const readme = await Bun.file(files.readme).text();
  if (!/^Supported clients: .*$/m.test(readme)) fail('README.md has no "Supported clients:" line to update');
  const line = readmeRangeLine({ ...SUPPORTED, [agent]: { ...SUPPORTED[agent], ...r } });
  await Bun.write(files.readme, readme.replace(/^Supported clients: .*$/m, line));
}

async function restore(): Promise<void> {
  for (const [f, text] of saved) await Bun.write(f, text);
  await run(bunInstall);
}

async function green(): Promise<boolean> {
  // The range under test: compat:check reads it from supported-versions.json.
  await writeRange(next);
  if (next.newest !== range.newest) await pin(next.newest);
  if (next.oldest !== range.oldest) await setOldestAlias(next.oldest);
  if (!(await run(bunInstall))) return false;
  if (!(await run({ label: "compat:check", cmd: ["bun", "scripts/compat/check.ts"] }))) return false;
  // The e2e suite runs against apps/cli's pin: the candidate, for this run.
  if (version !== next.newest) {
    await pin(version);
    if (!(await run(bunInstall))) return false;
    const cand = {
      label: `compat:check (${range.name} ${version})`,
      cmd: ["bun", "scripts/compat/check.ts", "--candidate", `${agent}@${version}`],
    };
    if (!(await run(cand))) return false;
  }
  const e2e = await run({
    label: `e2e (${range.name} ${version})`,
    cmd: ["bun", "test", "--timeout", "120000", ...E2E_SUITES[agent]],
  });
  if (version !== next.newest) {
    await pin(next.newest);
    if (!(await run(bunInstall))) return false;
  }
  return e2e;
}

if (!(await green())) {
  console.error(
    `\ncompat:add: ${range.name} ${version} is not green; the range stays ${rangeLabel(range)} (files restored).`,
  );
  await restore();
  process.exit(1);
}
await editJson(files.baseline, (b) => {
  const c = (b.clients as Record<string, Record<string, unknown>>)[agent] as Record<string, unknown>;
  const checked = new Set<string>((c.checked as string[] | undefined) ?? []);
  checked.add(version);
  c.checked = [...checked].sort((a, z) => Bun.semver.order(a, z));
});
console.log(`\ncompat:add: ${range.name} ${version} is green; supported range now ${rangeLabel(next)}.`);
console.log(
  "Review and commit: apps/cli/package.json, package.json, bun.lock, supported-versions.json, README.md, the baseline; add `since` items for what the new version adds.",
);
