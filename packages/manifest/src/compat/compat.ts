import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { Baseline, type Client, type Item } from "./baseline.ts";
import { indexFixtures, seenInFixtures } from "./fixture-index.ts";
import { findNeedles, headerVariants } from "./needle-scan.ts";

export type Finding = { id: string; message: string };
export type CompatReport = { checked: number; missing: Finding[]; problems: string[]; notes: string[] };

type Installed = { dir: string; version: string; binary?: string };

/** Finds the installed client package and its native binary for this platform. */
async function locate(root: string, roots: readonly string[], name: string, c: Client, problems: string[]): Promise<Installed | undefined> {
  const dir = roots.map((r) => join(root, r, c.package)).find((d) => existsSync(join(d, "package.json")));
  if (!dir) {
    problems.push(`${name}: ${c.package} is not installed under ${roots.join(" or ")}; run \`bun install\``);
    return undefined;
  }
  const pkg: unknown = await Bun.file(join(dir, "package.json")).json();
  const version = typeof pkg === "object" && pkg !== null && typeof Reflect.get(pkg, "version") === "string" ? String(Reflect.get(pkg, "version")) : "?";
  if (version !== c.version) problems.push(`${name}: installed ${c.package} ${version}, the baseline pins ${c.version}; re-check the items and update scripts/compat/upstream-baseline.json`);
  const platform = `${process.platform}-${process.arch}`;
  const bin = c.binaries[platform];
  if (!bin) {
    problems.push(`${name}: the baseline records no native binary for ${platform}`);
    return { dir, version };
  }
  let binDir: string;
  try {
    binDir = dirname(Bun.resolveSync(`${bin.package}/package.json`, realpathSync(dir)));
  } catch {
    problems.push(`${name}: platform package ${bin.package} is not installed next to ${c.package}; run \`bun install\``);
    return { dir, version };
  }
  const binary = join(binDir, bin.path);
  if (!existsSync(binary)) {
    problems.push(`${name}: native binary ${binary} is missing`);
    return { dir, version };
  }
  return { dir, version, binary };
}

function needleOf(it: Item): string[] {
  const v = it.binaryNeedle ?? it.value;
  return it.kind === "header" ? headerVariants(v) : [v];
}

/** Verifies every baseline item against the installed clients and the replay fixtures, offline. */
export async function checkCompat(root: string, baselinePath: string): Promise<CompatReport> {
  const parsed = Baseline.safeParse(await Bun.file(baselinePath).json());
  if (!parsed.success) return { checked: 0, missing: [], problems: parsed.error.issues.map((i) => `${baselinePath}: ${i.path.join(".")}: ${i.message}`), notes: [] };
  const b = parsed.data;
  const report: CompatReport = { checked: 0, missing: [], problems: [], notes: [] };
  const fixtureDir = dirname(baselinePath);

  await Promise.all(
    Object.entries(b.clients).map(async ([name, client]) => {
      const items = b.items.filter((it) => it.client === name);
      const inst = await locate(root, b.installRoots, name, client, report.problems);
      const binItems = items.filter((it) => it.checks.includes("binary"));
      if (inst?.binary) {
        const started = performance.now();
        const found = await findNeedles(Bun.file(inst.binary), binItems.map(needleOf));
        binItems.forEach((it, i) => {
          report.checked++;
          if (!found[i]) report.missing.push({ id: it.id, message: `${it.id}: "${it.binaryNeedle ?? it.value}" not found in the ${name} ${inst.version} binary (${it.why})` });
        });
        report.notes.push(`${name} ${inst.version}: ${binItems.length} strings searched in ${inst.binary.replace(`${root}/`, "")} (${Math.round(performance.now() - started)} ms)`);
      } else if (binItems.length > 0) report.problems.push(`${name}: ${binItems.length} binary checks could not run`);

      const capItems = items.filter((it) => it.checks.includes("capture"));
      const { index, missing } = await indexFixtures(fixtureDir, client.fixtures);
      for (const f of missing) report.problems.push(`${name}: fixture ${f} is missing`);
      for (const it of capItems) {
        report.checked++;
        if (!seenInFixtures(index, it.kind, it.value)) report.missing.push({ id: it.id, message: `${it.id}: ${it.kind} "${it.value}" not seen in the ${name} replay fixtures (${it.why})` });
      }
      report.notes.push(`${name}: ${capItems.length} items checked against ${client.fixtures.length} replay fixtures`);
    }),
  );
  report.missing.sort((a, b) => a.id.localeCompare(b.id));
  return report;
}
