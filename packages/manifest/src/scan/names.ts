import type * as t from "@babel/types";

/** A test or describe title: known text, or a regex source when it is computed at run time. */
export type Title = { text: string } | { pattern: string };

/** Values a loop variable or a top-level const stands for while walking (AST nodes). */
export type Env = ReadonlyMap<string, t.Node>;

export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

const anything: Title = { pattern: ".*" };

/** Strips TS wrappers (`x as const`, `x satisfies T`, `x!`, parentheses) off an expression. */
export function unwrap(n: t.Node): t.Node {
  let cur = n;
  for (;;) {
    if (
      cur.type === "TSAsExpression" ||
      cur.type === "TSSatisfiesExpression" ||
      cur.type === "TSNonNullExpression" ||
      cur.type === "ParenthesizedExpression" ||
      cur.type === "TSTypeAssertion"
    )
      cur = cur.expression;
    else return cur;
  }
}

/** Resolves a title expression against the loop bindings and top-level consts. */
export function resolveTitle(node: t.Node | undefined, env: Env, depth = 0): Title {
  if (!node || depth > 8) return anything;
  const n = unwrap(node);
  switch (n.type) {
    case "StringLiteral":
      return { text: n.value };
    case "NumericLiteral":
      return { text: String(n.value) };
    case "TemplateLiteral": {
      const parts: Title[] = [];
      n.quasis.forEach((q, i) => {
        parts.push({ text: q.value.cooked ?? q.value.raw });
        const e = n.expressions[i];
        if (e) parts.push(resolveTitle(e, env, depth + 1));
      });
      return concat(parts);
    }
    case "UnaryExpression":
    case "BinaryExpression": {
      const num = evalNumber(n, env, depth);
      if (num !== undefined) return { text: String(num) };
      if (n.type === "UnaryExpression" || n.operator !== "+") return anything;
      return concat([resolveTitle(n.left, env, depth + 1), resolveTitle(n.right, env, depth + 1)]);
    }
    case "LogicalExpression": {
      const left = resolveTitle(n.left, env, depth + 1);
      if (!("text" in left)) return anything;
      if (n.operator === "||") return left.text ? left : resolveTitle(n.right, env, depth + 1);
      if (n.operator === "??") return left;
      return anything;
    }
    case "Identifier": {
      const v = env.get(n.name);
      return v ? resolveTitle(v, env, depth + 1) : anything;
    }
    case "MemberExpression": {
      const obj = memberTarget(n, env);
      return obj ? resolveTitle(obj, env, depth + 1) : anything;
    }
    default:
      return anything;
  }
}

/** Constant arithmetic (`4 * 60_000 + 12_000`, `-5`) as JS evaluates it. */
function evalNumber(node: t.Node, env: Env, depth: number): number | undefined {
  if (depth > 40) return undefined;
  const n = unwrap(node);
  if (n.type === "NumericLiteral") return n.value;
  if (n.type === "Identifier" || n.type === "MemberExpression") {
    const v = n.type === "Identifier" ? env.get(n.name) : memberTarget(n, env);
    return v ? evalNumber(v, env, depth + 1) : undefined;
  }
  if (n.type === "UnaryExpression") {
    const v = evalNumber(n.argument, env, depth + 1);
    return v === undefined ? undefined : n.operator === "-" ? -v : n.operator === "+" ? v : undefined;
  }
  if (n.type !== "BinaryExpression" || n.left.type === "PrivateName") return undefined;
  const a = evalNumber(n.left, env, depth + 1);
  const b = evalNumber(n.right, env, depth + 1);
  if (a === undefined || b === undefined) return undefined;
  switch (n.operator) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return a / b;
    case "%":
      return a % b;
    case "**":
      return a ** b;
    default:
      return undefined;
  }
}

/** `c.name` / `c["name"]` / `row[0]` where `c` is bound to an object or array literal. */
function memberTarget(n: t.MemberExpression, env: Env): t.Node | undefined {
  if (n.object.type !== "Identifier") return undefined;
  const bound = env.get(n.object.name);
  if (!bound) return undefined;
  const obj = unwrap(bound);
  const key = propertyKey(n);
  if (key === undefined) return undefined;
  if (obj.type === "ObjectExpression") return objectProperty(obj, String(key));
  if (obj.type === "ArrayExpression" && typeof key === "number") return obj.elements[key] ?? undefined;
  return undefined;
}

function propertyKey(n: t.MemberExpression): string | number | undefined {
  if (!n.computed && n.property.type === "Identifier") return n.property.name;
  if (n.property.type === "StringLiteral") return n.property.value;
  if (n.property.type === "NumericLiteral") return n.property.value;
  return undefined;
}

export function objectProperty(obj: t.ObjectExpression, key: string): t.Node | undefined {
  for (const p of obj.properties) {
    if (p.type !== "ObjectProperty" || p.computed) continue;
    const k = p.key.type === "Identifier" ? p.key.name : p.key.type === "StringLiteral" ? p.key.value : undefined;
    if (k === key) return p.value;
  }
  return undefined;
}

function concat(parts: Title[]): Title {
  if (parts.every((p): p is { text: string } => "text" in p)) return { text: parts.map((p) => p.text).join("") };
  return { pattern: parts.map((p) => ("text" in p ? escapeRegex(p.text) : p.pattern)).join("") };
}

const placeholder = /%[sdifjop#%]|\$[A-Za-z_][\w.]*/g;

/** `test.each` titles without a known table: printf-style and `$name` placeholders become wildcards. */
export function eachTitle(title: Title): Title {
  if (!("text" in title) || !title.text.match(placeholder)) return title;
  return fill(title.text, () => undefined);
}

/**
 * `test.each(table)(title)` with a literal table: one title per row, the way Bun formats them
 * (`%s`/`%d`/`%i` take row values in order, `%#` the index, `$a.b` an object row's property).
 */
export function eachTitles(title: Title, rows: readonly t.Node[], env: Env): Title[] {
  if (!("text" in title) || !title.text.match(placeholder)) return rows.map(() => title);
  const text = title.text;
  return rows.map((row, index) => {
    const r = unwrap(row);
    const args = r.type === "ArrayExpression" ? r.elements : [r];
    let next = 0;
    return fill(text, (ph) => {
      if (ph === "%#") return String(index);
      if (ph.startsWith("$")) return textOf(path(r, ph.slice(1).split(".")), env, ph);
      const arg = args[next++];
      return arg && arg.type !== "SpreadElement" ? textOf(arg, env, ph) : undefined;
    });
  });
}

function path(n: t.Node | undefined, keys: string[]): t.Node | undefined {
  let cur = n;
  for (const k of keys) {
    const u = cur && unwrap(cur);
    cur = u?.type === "ObjectExpression" ? objectProperty(u, k) : undefined;
  }
  return cur;
}

function textOf(n: t.Node | undefined, env: Env, ph: string): string | undefined {
  if (!n) return undefined;
  const u = unwrap(n);
  if (u.type === "NumericLiteral")
    return ph === "%d" || ph === "%i" ? (Number.isInteger(u.value) ? String(u.value) : undefined) : String(u.value);
  if (ph === "%d" || ph === "%i") return undefined;
  if (
    u.type !== "StringLiteral" &&
    u.type !== "TemplateLiteral" &&
    u.type !== "Identifier" &&
    u.type !== "MemberExpression"
  )
    return undefined;
  const r = resolveTitle(u, env);
  return "text" in r ? r.text : undefined;
}

/** Rebuilds a title; a placeholder that `value` cannot tell becomes a wildcard. */
function fill(text: string, value: (ph: string) => string | undefined): Title {
  const parts: Title[] = [];
  let last = 0;
  for (const m of text.matchAll(placeholder)) {
    parts.push({ text: text.slice(last, m.index) });
    const v = m[0] === "%%" ? "%" : value(m[0]);
    parts.push(v === undefined ? anything : { text: v });
    last = m.index + m[0].length;
  }
  parts.push({ text: text.slice(last) });
  return concat(parts);
}

/** The full name `bun test -t` matches: describe titles and the test title joined by spaces. */
export function fullTitle(parts: readonly Title[]): Title {
  const spaced: Title[] = [];
  parts.forEach((p, i) => {
    if (i > 0) spaced.push({ text: " " });
    spaced.push(p);
  });
  return concat(spaced);
}
