// A strict reader of Prometheus' text exposition format (0.0.4), for tests: what `promtool check metrics`
// would refuse is an error here — bad names, labels or values, a sample before its TYPE, a family declared
// twice, a repeated series, a histogram whose buckets do not climb to +Inf = _count, a counter not named _total.

export type PromSample = { name: string; labels: Record<string, string>; value: number };
export type PromFamily = { name: string; type: string; help: string | null; samples: PromSample[] };

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

function parseValue(text: string, where: string): number {
  if (text === "+Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  if (text === "NaN") return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`${where}: "${text}" is not a number`);
  return Number(text);
}

/** `{a="x",b="y\"z"}` → labels; the escapes the format allows are \\, \" and \n, nothing else. */
function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf("=", i);
    if (eq < 0) throw new Error(`${where}: label without =`);
    const name = text.slice(i, eq);
    if (!LABEL.test(name) || name.startsWith("__")) throw new Error(`${where}: bad label name "${name}"`);
    if (text[eq + 1] !== '"') throw new Error(`${where}: label ${name} is not quoted`);
    let value = "";
    let j = eq + 2;
    for (; ; j++) {
      const c = text[j];
      if (c === undefined) throw new Error(`${where}: unterminated value of ${name}`);
      if (c === '"') break;
      if (c === "\n") throw new Error(`${where}: raw newline in ${name}`);
      if (c === "\\") {
        const next = text[++j];
        if (next === "\\" || next === '"') value += next;
        else if (next === "n") value += "\n";
        else throw new Error(`${where}: bad escape \\${next} in ${name}`);
      } else value += c;
    }
    if (name in labels) throw new Error(`${where}: label ${name} twice`);
    labels[name] = value;
    i = j + 1;
    if (text[i] === ",") i++;
    else if (i < text.length) throw new Error(`${where}: expected , after ${name}`);
  }
  return labels;
}

function familyOf(sample: string, families: Map<string, PromFamily>): PromFamily | undefined {
  const exact = families.get(sample);
  if (exact) return exact;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    const f = sample.endsWith(suffix) ? families.get(sample.slice(0, -suffix.length)) : undefined;
    if (f && (f.type === "histogram" || (f.type === "summary" && suffix !== "_bucket"))) return f;
  }
  return undefined;
}

export function parsePromText(text: string): PromFamily[] {
  if (!text.endsWith("\n")) throw new Error("the exposition must end with a newline");
  const families = new Map<string, PromFamily>();
  const seen = new Set<string>();
  const lines = text.slice(0, -1).split("\n");
  for (const [n, line] of lines.entries()) {
    const where = `line ${n + 1}`;
    if (line === "") continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name = "", rest = ""] = meta;
      if (!NAME.test(name)) throw new Error(`${where}: bad metric name "${name}"`);
      const f = families.get(name) ?? { name, type: "untyped", help: null, samples: [] };
      if (kind === "TYPE") {
        if (families.has(name) && f.type !== "untyped") throw new Error(`${where}: TYPE of ${name} twice`);
        if (f.samples.length) throw new Error(`${where}: TYPE of ${name} after its samples`);
        if (!TYPES.has(rest)) throw new Error(`${where}: unknown type "${rest}"`);
        f.type = rest;
      } else {
        if (f.help !== null) throw new Error(`${where}: HELP of ${name} twice`);
        f.help = rest;
      }
      families.set(name, f);
      continue;
    }
    if (line.startsWith("#")) continue;
    const m = /^([^\s{]+)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(line);
    if (!m) throw new Error(`${where}: not a sample: ${line}`);
    const [, name = "", labelText = "", valueText = ""] = m;
    if (!NAME.test(name)) throw new Error(`${where}: bad metric name "${name}"`);
    const f = familyOf(name, families);
    if (!f) throw new Error(`${where}: ${name} has no TYPE before it`);
    const labels = parseLabels(labelText, where);
    const id = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(id)) throw new Error(`${where}: series ${id} twice`);
    seen.add(id);
    f.samples.push({ name, labels, value: parseValue(valueText, where) });
  }
  for (const f of families.values()) {
    if (f.type === "counter" && !f.name.endsWith("_total")) throw new Error(`counter ${f.name} should end in _total`);
    if (f.type === "counter" && f.samples.some((s) => !(s.value >= 0)))
      throw new Error(`counter ${f.name} has a negative value`);
    if (f.type === "histogram") checkHistogram(f);
  }
  return [...families.values()];
}

function checkHistogram(f: PromFamily): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const h = series.get(key) ?? { buckets: [] };
    if (s.name.endsWith("_bucket")) {
      if (le === undefined) throw new Error(`${f.name}: a bucket without le`);
      h.buckets.push([parseValue(le, f.name), s.value]);
    } else if (s.name.endsWith("_count")) h.count = s.value;
    series.set(key, h);
  }
  for (const h of series.values()) {
    const sorted = [...h.buckets].sort((a, b) => a[0] - b[0]);
    if (sorted.at(-1)?.[0] !== Number.POSITIVE_INFINITY) throw new Error(`${f.name}: no +Inf bucket`);
    sorted.forEach(([, v], i) => {
      if (i > 0 && v < (sorted[i - 1]?.[1] ?? 0)) throw new Error(`${f.name}: buckets do not climb`);
    });
    if (h.count !== sorted.at(-1)?.[1]) throw new Error(`${f.name}: +Inf bucket differs from _count`);
  }
}

/**
 * The sum of a series' samples whose labels include `where` (a histogram's `name_bucket`, `_sum` and `_count` are
 * found under their family), 0 when there are none.
 */
export function promSum(families: PromFamily[], name: string, where: Record<string, string> = {}): number {
  const base = name.replace(/_(bucket|sum|count)$/, "");
  const family = families.find((f) => f.name === name) ?? families.find((f) => f.name === base);
  return (family?.samples ?? [])
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}
