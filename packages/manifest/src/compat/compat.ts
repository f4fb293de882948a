import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { Baseline, type Client, type Item } from "./baseline.ts";
import { indexFixtures, seenInFixtures } from "./fixture-index.ts";
import { findNeedles, headerVariants } from "./needle-scan.ts";
import { scanProviderSwitches } from "./provider-switches.ts";

export type Finding = { id: string; message: string };
export type CompatReport = { checked: number; missing: Finding[]; problems: string[]; notes: string[] };

/** The supported range of each client (core's compat/supported-versions.json). */
export type Ranges = Readonly<Record<string, { oldest: string; newest: string }>>;

export type CompatOptions = {
  ranges: Ranges;
  /** -1/0/1 as a is older/the same/newer; null when not comparable. */
  compare: (a: string, b: string) => number | null;
  /** Claude Code's provider switches `prodex claude` clears; each binary's own list must be inside it. */
  providerSwitches?: { client: string; known: readonly string[]; where: string };
};

type End = "oldest" | "newest";
type Installed = { dir: string; version: string; binary?: string };

function versionOf(pkg: unknown): string {
  return typeof pkg === "object" && pkg !== null && typeof Reflect.get(pkg, "version") === "string"
    ? String(Reflect.get(pkg, "version"))
    : "?";
}

/** Finds one end's installed client package (the newest under its name, the oldest under its alias) and its native binary. */
async function locate(
  root: string,
  roots: readonly string[],
  name: string,
  c: Client,
  end: End,
  want: string,
  problems: string[],
): Promise<Installed | undefined> {
  const install = end === "newest" ? c.package : c.oldestInstall;
  const dir = roots.map((r) => join(root, r, install)).find((d) => existsSync(join(d, "package.json")));
  if (!dir) {
    problems.push(`${name} ${end}: ${install} is not installed under ${roots.join(" or ")}; run \`bun install\``);
    return undefined;
  }
  const version = versionOf(await Bun.file(join(dir, "package.json")).json());
  if (version !== want)
    problems.push(
      `${name} ${end}: installed ${install} is ${version}, the supported range says ${want}; run \`bun install\`, or \`bun run compat:add ${name} <version>\` to change the range`,
    );
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
    problems.push(
      `${name} ${version}: platform package ${bin.package} is not installed next to ${install}; run \`bun install\``,
    );
    return { dir, version };
  }
  const binary = join(binDir, bin.path);
  if (!existsSync(binary)) {
    problems.push(`${name} ${version}: native binary ${binary} is missing`);
    return { dir, version };
  }
  return { dir, version, binary };
}

function needleOf(it: Item): string[] {
  const v = it.binaryNeedle ?? it.value;
  return it.kind === "header" ? headerVariants(v) : [v];
}

/** Does the item apply to this version (`since` ≤ version < `until`)? */
export function appliesTo(it: Item, version: string, compare: CompatOptions["compare"]): boolean {
  if (it.since && (compare(version, it.since) ?? 0) < 0) return false;
  if (it.until && (compare(version, it.until) ?? -1) >= 0) return false;
  return true;
}

async function checkBinary(
  name: string,
  inst: Installed & { binary: string },
  items: Item[],
  options: CompatOptions,
  root: string,
  report: CompatReport,
): Promise<void> {
  const started = performance.now();
  const applies = items.filter((it) => appliesTo(it, inst.version, options.compare));
  const later = items.filter((it) => it.since && !applies.includes(it));
  const found = await findNeedles(Bun.file(inst.binary), [...applies, ...later].map(needleOf));
  applies.forEach((it, i) => {
    report.checked++;
    if (!found[i])
      report.missing.push({
        id: it.id,
        message: `${it.id}: "${it.binaryNeedle ?? it.value}" not found in the ${name} ${inst.version} binary (${it.why})`,
      });
  });
  later.forEach((it, i) => {
    if (found[applies.length + i])
      report.notes.push(`${it.id}: recorded since ${it.since}, but ${name} ${inst.version} has it too`);
  });
  const ps = options.providerSwitches;
  if (ps?.client === name) {
    report.checked++;
    const known = new Set(ps.known);
    const switches = await scanProviderSwitches(Bun.file(inst.binary));
    if (switches.length === 0)
      report.problems.push(
        `${name} ${inst.version}: no provider switch (CLAUDE_CODE_USE_*) found in the binary; the scan in provider-switches.ts needs a look`,
      );
    for (const s of switches.filter((x) => !known.has(x))) {
      report.missing.push({
        id: `${name}.provider-switch.${s}`,
        message: `${name} ${inst.version} knows the provider switch ${s}, which prodex claude does not clear: add it to ${ps.where}`,
      });
    }
    report.notes.push(
      `${name} ${inst.version}: provider switches ${switches.map((x) => x.replace("CLAUDE_CODE_USE_", "")).join(", ")}`,
    );
  }
  report.notes.push(
    `${name} ${inst.version}: ${applies.length} strings searched in ${inst.binary.replace(`${root}/`, "")} (${Math.round(performance.now() - started)} ms)`,
  );
}

/**
 * Verifies the baseline against both ends of each client's supported range (binary strings, the
 * provider switches) and the replay fixtures, offline.
 */
export async function checkCompat(root: string, baselinePath: string, options: CompatOptions): Promise<CompatReport> {
  const parsed = Baseline.safeParse(await Bun.file(baselinePath).json());
  if (!parsed.success)
    return {
      checked: 0,
      missing: [],
      problems: parsed.error.issues.map((i) => `${baselinePath}: ${i.path.join(".")}: ${i.message}`),
      notes: [],
    };
  const b = parsed.data;
  const report: CompatReport = { checked: 0, missing: [], problems: [], notes: [] };
  const fixtureDir = dirname(baselinePath);

  await Promise.all(
    Object.entries(b.clients).map(async ([name, client]) => {
      const items = b.items.filter((it) => it.client === name);
      const range = options.ranges[name];
      if (!range) {
        report.problems.push(`${name}: no supported range declared for it`);
        return;
      }
      const binItems = items.filter((it) => it.checks.includes("binary"));
      const ends: End[] = range.oldest === range.newest ? ["newest"] : ["oldest", "newest"];
      for (const end of ends) {
        const inst = await locate(root, b.installRoots, name, client, end, range[end], report.problems);
        if (inst?.binary) await checkBinary(name, { ...inst, binary: inst.binary }, binItems, options, root, report);
        else if (binItems.length > 0)
          report.problems.push(`${name} ${end}: ${binItems.length} binary checks could not run`);
      }

      const capItems = items.filter((it) => it.checks.includes("capture"));
      const { index, missing } = await indexFixtures(fixtureDir, client.fixtures);
      for (const f of missing) report.problems.push(`${name}: fixture ${f} is missing`);
      for (const it of capItems) {
        report.checked++;
        if (!seenInFixtures(index, it.kind, it.value))
          report.missing.push({
            id: it.id,
            message: `${it.id}: ${it.kind} "${it.value}" not seen in the ${name} replay fixtures (${it.why})`,
          });
      }
      report.notes.push(`${name}: ${capItems.length} items checked against ${client.fixtures.length} replay fixtures`);
    }),
  );
  report.missing.sort((a, b) => a.id.localeCompare(b.id));
  return report;
}
