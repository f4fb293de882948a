import { parse } from "@babel/parser";
import type * as t from "@babel/types";
import { mutationKind, textMutations, type Mutation } from "./env-mutation.ts";
import { eachTitle, eachTitles, fullTitle, resolveTitle, unwrap, type Env, type Title } from "./names.ts";
import { directSignals, helperSignals, type Signal } from "./runtime-signals.ts";

/** One `test`/`it` registration found in a file. */
export type ScannedTest = {
  file: string;
  /** Full name as `bun test -t` sees it; for computed titles, a readable form with `*`. */
  name: string;
  /** Set when the title is computed at run time: an anchored regex source over full names. */
  pattern?: string;
  line: number;
  /** Source range of the `test(...)` call, to tell which test a mutation sits in. */
  start: number;
  end: number;
};

export type ScannedFile = {
  file: string;
  tests: ScannedTest[];
  mutations: Mutation[];
  /** Where the file starts runtime machinery (the proxy, a broker, a prodex launch); see runtime-signals.ts. */
  signals: Signal[];
  parseError?: string;
};

const testModifiers = new Set(["skip", "only", "todo", "failing", "concurrent", "serial"]);
const factoryModifiers = new Set(["each", "if", "skipIf", "todoIf", "failingIf", "runIf"]);
const maxExpansion = 2000;

type Names = { test: Set<string>; describe: Set<string> };
type Registration = { kind: "test" | "describe"; each: boolean; table?: t.Node; title?: t.Node; body?: t.Node };

function isNode(v: unknown): v is t.Node {
  return typeof v === "object" && v !== null && typeof Reflect.get(v, "type") === "string";
}

const skipKeys = new Set([
  "loc",
  "start",
  "end",
  "extra",
  "range",
  "leadingComments",
  "trailingComments",
  "innerComments",
  "type",
  "typeAnnotation",
  "typeParameters",
  "returnType",
]);

function children(n: t.Node): t.Node[] {
  const out: t.Node[] = [];
  for (const [k, v] of Object.entries(n)) {
    if (skipKeys.has(k)) continue;
    if (Array.isArray(v)) for (const x of v) if (isNode(x)) out.push(x);
    if (isNode(v)) out.push(v);
  }
  return out;
}

function templateRanges(root: t.Node): (readonly [number, number])[] {
  const out: (readonly [number, number])[] = [];
  const visit = (n: t.Node): void => {
    if (n.type === "TemplateLiteral") out.push([n.start ?? 0, n.end ?? 0] as const);
    for (const c of children(n)) visit(c);
  };
  visit(root);
  return out;
}

/** Local names bound to bun:test's test/it/describe (aliases included). */
function bunTestNames(ast: t.File): Names {
  const names: Names = { test: new Set(["test", "it"]), describe: new Set(["describe"]) };
  for (const s of ast.program.body) {
    if (s.type !== "ImportDeclaration" || s.source.value !== "bun:test") continue;
    for (const sp of s.specifiers) {
      if (sp.type !== "ImportSpecifier") continue;
      const imported = sp.imported.type === "Identifier" ? sp.imported.name : sp.imported.value;
      if (imported === "test" || imported === "it") names.test.add(sp.local.name);
      if (imported === "describe") names.describe.add(sp.local.name);
    }
  }
  return names;
}

/** `const X = …` declarations anywhere in the file whose name is unique (tables and string constants). */
function constants(ast: t.File): Map<string, t.Node> {
  const found = new Map<string, t.Node | null>();
  const visit = (n: t.Node): void => {
    if (n.type === "VariableDeclaration" && n.kind === "const") {
      for (const d of n.declarations) {
        if (d.id.type !== "Identifier" || !d.init) continue;
        found.set(d.id.name, found.has(d.id.name) ? null : d.init);
      }
    }
    for (const c of children(n)) visit(c);
  };
  visit(ast.program);
  const out = new Map<string, t.Node>();
  for (const [k, v] of found) if (v) out.set(k, v);
  return out;
}

/** Root identifier and property chain of `a.b.c`. */
function chain(n: t.Node): { root: string; props: string[] } | undefined {
  if (n.type === "Identifier") return { root: n.name, props: [] };
  if (n.type === "MemberExpression" && !n.computed && n.property.type === "Identifier") {
    const inner = chain(n.object);
    return inner && { root: inner.root, props: [...inner.props, n.property.name] };
  }
  return undefined;
}

function classify(call: t.CallExpression, names: Names): Registration | undefined {
  let head: { root: string; props: string[] } | undefined;
  let each = false;
  let table: t.Node | undefined;
  if (call.callee.type === "CallExpression") {
    head = chain(call.callee.callee);
    const last = head?.props.at(-1);
    if (!head || !last || !factoryModifiers.has(last)) return undefined;
    if (!head.props.slice(0, -1).every((p) => testModifiers.has(p))) return undefined;
    each = last === "each";
    table = each ? call.callee.arguments[0] : undefined;
  } else {
    head = chain(call.callee);
    if (!head?.props.every((p) => testModifiers.has(p))) return undefined;
  }
  const kind = names.test.has(head.root) ? "test" : names.describe.has(head.root) ? "describe" : undefined;
  if (!kind) return undefined;
  const [title, ...rest] = call.arguments;
  const body = rest.find((a) => a.type === "ArrowFunctionExpression" || a.type === "FunctionExpression");
  return { kind, each, table, title, body };
}

/** Elements of an array literal `X` resolves to (through consts), if it is one. */
function arrayElements(n: t.Node, env: Env): t.Node[] | undefined {
  let cur = unwrap(n);
  if (cur.type === "Identifier") {
    const v = env.get(cur.name);
    if (!v) return undefined;
    cur = unwrap(v);
  }
  if (cur.type !== "ArrayExpression") return undefined;
  const out: t.Node[] = [];
  for (const e of cur.elements) {
    if (!e || e.type === "SpreadElement") return undefined;
    out.push(e);
  }
  return out;
}

/** Binds a loop variable pattern to one table element. */
function bind(env: Env, pattern: t.Node, value: t.Node): Env {
  const next = new Map(env);
  const v = unwrap(value);
  if (pattern.type === "Identifier") next.set(pattern.name, v);
  else if (pattern.type === "ObjectPattern" && v.type === "ObjectExpression") {
    for (const p of pattern.properties) {
      if (p.type !== "ObjectProperty" || p.computed || p.key.type !== "Identifier") continue;
      const local =
        p.value.type === "Identifier"
          ? p.value.name
          : p.value.type === "AssignmentPattern" && p.value.left.type === "Identifier"
            ? p.value.left.name
            : undefined;
      const prop = v.properties.find(
        (q) =>
          q.type === "ObjectProperty" &&
          !q.computed &&
          q.key.type === "Identifier" &&
          p.key.type === "Identifier" &&
          q.key.name === p.key.name,
      );
      if (local && prop?.type === "ObjectProperty") next.set(local, prop.value);
    }
  } else if (pattern.type === "ArrayPattern" && v.type === "ArrayExpression") {
    pattern.elements.forEach((el, i) => {
      const item = v.elements[i];
      if (el?.type === "Identifier" && item && item.type !== "SpreadElement") next.set(el.name, item);
    });
  }
  return next;
}

function loopPattern(left: t.Node): t.Node | undefined {
  if (left.type === "VariableDeclaration") return left.declarations[0]?.id;
  return undefined;
}

function display(title: Title): string {
  return "text" in title ? title.text : title.pattern.replace(/\.\*/g, "*").replace(/\\(.)/g, "$1");
}

/**
 * Finds test registrations, global mutations and runtime signals in one file's source.
 * `helpers`: names this file imports from modules that start runtime machinery (name → module).
 */
export function scanSource(file: string, src: string, helpers: ReadonlyMap<string, string> = new Map()): ScannedFile {
  const found = [...directSignals(src), ...helperSignals(src, helpers)].sort((a, b) => a.offset - b.offset);
  let ast: t.File;
  try {
    ast = parse(src, {
      sourceType: "module",
      errorRecovery: true,
      plugins: file.endsWith("x") ? ["typescript", "jsx"] : ["typescript"],
    });
  } catch (e) {
    return {
      file,
      tests: [],
      mutations: textMutations(src),
      signals: found,
      parseError: e instanceof Error ? e.message : String(e),
    };
  }
  // A signal in a comment, or in a template literal (source text a test writes out), starts nothing.
  const inert = [
    ...(ast.comments ?? []).map((c) => [c.start ?? 0, c.end ?? 0] as const),
    ...templateRanges(ast.program),
  ];
  const signals = found.filter((sig) => !inert.some(([a, b]) => a <= sig.offset && sig.offset < b));
  const names = bunTestNames(ast);
  const tests: ScannedTest[] = [];
  const mutations = new Map<number, Mutation>();
  const seen = new Set<string>();
  let budget = maxExpansion;

  const walk = (n: t.Node, env: Env, stack: readonly Title[]): void => {
    const kind = mutationKind(n);
    if (kind && n.start != null) mutations.set(n.start, { kind, offset: n.start, line: n.loc?.start.line ?? 0 });

    if (n.type === "CallExpression") {
      const reg = classify(n, names);
      if (reg) {
        const raw = resolveTitle(reg.title, env);
        const rows = reg.table ? arrayElements(reg.table, env) : undefined;
        const titles = !reg.each ? [raw] : rows && rows.length > 0 ? eachTitles(raw, rows, env) : [eachTitle(raw)];
        if (reg.kind === "test") {
          for (const title of titles) {
            const full = fullTitle([...stack, title]);
            const start = n.start ?? 0;
            const key = `${start}:${display(full)}`;
            if (seen.has(key)) continue;
            seen.add(key);
            tests.push({
              file,
              name: display(full),
              ...("pattern" in full ? { pattern: `^${full.pattern}$` } : {}),
              line: n.loc?.start.line ?? 0,
              start,
              end: n.end ?? start,
            });
          }
        }
        for (const a of n.arguments) if (a !== reg.body) walk(a, env, stack);
        if (reg.body) {
          if (reg.kind === "test") walk(reg.body, env, stack);
          else for (const title of titles) walk(reg.body, env, [...stack, title]);
        }
        return;
      }
      const table = tableCall(n, env);
      if (table) {
        walk(n.callee, env, stack);
        for (const el of table.elements) walk(table.fn.body, bind(env, table.param, el), stack);
        return;
      }
    }
    if (n.type === "ForOfStatement") {
      const pattern = loopPattern(n.left);
      const elements = arrayElements(n.right, env);
      if (pattern && elements && elements.length > 0 && budget >= elements.length) {
        budget -= elements.length;
        walk(n.right, env, stack);
        for (const el of elements) walk(n.body, bind(env, pattern, el), stack);
        return;
      }
    }
    for (const c of children(n)) walk(c, env, stack);
  };

  const tableCall = (n: t.CallExpression, env: Env) => {
    const c = n.callee;
    if (c.type !== "MemberExpression" || c.computed || c.property.type !== "Identifier") return undefined;
    if (c.property.name !== "forEach" && c.property.name !== "map") return undefined;
    const fn = n.arguments[0];
    if (!fn || (fn.type !== "ArrowFunctionExpression" && fn.type !== "FunctionExpression")) return undefined;
    const param = fn.params[0];
    const elements = arrayElements(c.object, env);
    if (!param || !elements || elements.length === 0 || budget < elements.length) return undefined;
    budget -= elements.length;
    return { fn, param, elements };
  };

  walk(ast.program, constants(ast), []);
  return { file, tests, mutations: [...mutations.values()].sort((a, b) => a.offset - b.offset), signals };
}

/** Reads and scans one repo-relative file under `root`. */
export async function scanFile(root: string, file: string): Promise<ScannedFile> {
  const src = await Bun.file(`${root}/${file}`).text();
  const { runtimeHelpers } = await import("./scan-cache.ts");
  return scanSource(file, src, await runtimeHelpers(root, file, src, new Map()));
}
