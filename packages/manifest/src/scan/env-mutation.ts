import type * as t from "@babel/types";

/** A write to process-global state that makes a test unsafe to share a process with others. */
export type Mutation = { kind: string; line: number; offset: number };

/** `process.env`, `Bun.env` or `import.meta.env` (all the same object under Bun). */
function isEnvObject(n: t.Node): boolean {
  if (n.type !== "MemberExpression") return false;
  const prop =
    !n.computed && n.property.type === "Identifier"
      ? n.property.name
      : n.property.type === "StringLiteral"
        ? n.property.value
        : undefined;
  if (prop !== "env") return false;
  if (n.object.type === "Identifier") return n.object.name === "process" || n.object.name === "Bun";
  return n.object.type === "MetaProperty";
}

function isEnvMember(n: t.Node): boolean {
  return n.type === "MemberExpression" && isEnvObject(n.object);
}

function isCall(n: t.CallExpression, obj: string, prop: string): boolean {
  const c = n.callee;
  return (
    c.type === "MemberExpression" &&
    c.object.type === "Identifier" &&
    c.object.name === obj &&
    !c.computed &&
    c.property.type === "Identifier" &&
    c.property.name === prop
  );
}

/** What global mutation `n` performs, if any. */
export function mutationKind(n: t.Node): string | undefined {
  switch (n.type) {
    case "AssignmentExpression":
      if (isEnvMember(n.left)) return "process.env.X =";
      if (isEnvObject(n.left)) return "process.env =";
      return undefined;
    case "UnaryExpression":
      return n.operator === "delete" && isEnvMember(n.argument) ? "delete process.env" : undefined;
    case "CallExpression": {
      if (isCall(n, "process", "chdir")) return "process.chdir(";
      const first = n.arguments[0];
      if (!first) return undefined;
      if (isCall(n, "Object", "assign") && isEnvObject(first)) return "Object.assign(process.env";
      if (isCall(n, "Object", "defineProperty") && isEnvObject(first)) return "Object.defineProperty(process.env";
      return undefined;
    }
    default:
      return undefined;
  }
}

const textual: [RegExp, string][] = [
  [/\b(process|Bun)\.env(\.[A-Za-z_$][\w$]*|\[[^\]]+\])\s*=(?!=)/g, "process.env.X ="],
  [/\bdelete\s+(process|Bun)\.env\b/g, "delete process.env"],
  [/\bprocess\.chdir\s*\(/g, "process.chdir("],
  [/\bObject\.assign\s*\(\s*(process|Bun)\.env\b/g, "Object.assign(process.env"],
];

/** Fallback for files the parser rejects: the same checks on the raw text. */
export function textMutations(src: string): Mutation[] {
  const out: Mutation[] = [];
  for (const [re, kind] of textual) {
    for (const m of src.matchAll(re))
      out.push({ kind, offset: m.index, line: src.slice(0, m.index).split("\n").length });
  }
  return out.sort((a, b) => a.offset - b.offset);
}
