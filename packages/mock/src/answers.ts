/** Deterministic answer selection: what the "model" says to a request. */
import { asString as str, isRecord } from "@prodex/guards";
import { items, textOf, type Item, type ResponsesBody } from "./request-body.ts";

export type Answer =
  | { kind: "text"; text: string }
  | { kind: "tool"; name: string; arguments: string }
  /** Several calls in one answer (a client that allows parallel tool calls). */
  | { kind: "tools"; calls: { name: string; arguments: string }[] }
  | { kind: "compaction" };

/** Shell tools of the clients the mock knows, with arguments that echo "tool-ran". */
const shellCalls: Record<string, object> = {
  exec_command: { cmd: "echo tool-ran" }, // Codex CLI
  Bash: { command: "echo tool-ran", description: "Echo test" }, // Claude Code (through a translator)
};

export function chooseAnswer(body: ResponsesBody, reply: string): Answer {
  const input = items(body);
  const last = input.at(-1);
  if (last?.type === "compaction_trigger") return { kind: "compaction" };
  if (last?.type === "function_call_output") {
    return { kind: "text", text: `tool said: ${trailingOutputs(input).join("; ").slice(0, 200)}` };
  }
  const asked = lastUserText(input);
  const parallel = /\bparallel tools\b/i.test(asked);
  if (parallel && body.parallel_tool_calls !== false) {
    const calls = functionNames(body.tools ?? [])
      .slice(0, 2)
      .map((name) => ({ name, arguments: JSON.stringify({ which: name }) }));
    if (calls.length > 1) return { kind: "tools", calls };
  }
  // Parallel calls turned off: one call, as a model would make.
  const tool = parallel || /\btool\b/i.test(asked) ? pickTool(body.tools ?? []) : null;
  if (tool) return tool;
  const schema = jsonSchemaOf(body.text);
  return schema ? { kind: "text", text: JSON.stringify(sampleOf(schema)) } : { kind: "text", text: reply };
}

/** The outputs of the calls answered last (one per parallel call), oldest first. */
function trailingOutputs(input: Item[]): string[] {
  const out: string[] = [];
  for (let i = input.length - 1; i >= 0 && input[i]?.type === "function_call_output"; i--)
    out.unshift(textOf(input[i]?.output).trim());
  return out;
}

/** `text.format` of a structured-output request (`{type:"json_schema", schema}`). */
function jsonSchemaOf(text: unknown): Item | null {
  if (!isRecord(text) || !isRecord(text.format) || text.format.type !== "json_schema") return null;
  return isRecord(text.format.schema) ? text.format.schema : {};
}

/** A value that fits a JSON schema: what a model under strict structured output would write. */
export function sampleOf(schema: Item): unknown {
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  switch (schema.type) {
    case "string":
      return "mock";
    case "number":
    case "integer":
      return 1;
    case "boolean":
      return true;
    case "array":
      return isRecord(schema.items) ? [sampleOf(schema.items)] : [];
    case "null":
      return null;
    default: {
      const props = isRecord(schema.properties) ? schema.properties : {};
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, isRecord(v) ? sampleOf(v) : null]));
    }
  }
}

function lastUserText(input: Item[]): string {
  for (let i = input.length - 1; i >= 0; i--) {
    const item = input[i];
    if (item && (item.type === "message" || item.type === undefined) && item.role === "user")
      return textOf(item.content);
  }
  return "";
}

function functionNames(tools: unknown[]): string[] {
  return tools
    .filter(isRecord)
    .filter((t) => t.type === "function")
    .map((t) => str(t.name))
    .filter((n): n is string => n !== undefined);
}

function pickTool(tools: unknown[]): Answer | null {
  const names = functionNames(tools);
  const shell = names.find((n) => n in shellCalls);
  if (shell) return { kind: "tool", name: shell, arguments: JSON.stringify(shellCalls[shell]) };
  const first = names[0];
  return first ? { kind: "tool", name: first, arguments: "{}" } : null;
}

export const wantsReasoning = (body: ResponsesBody) => (body.include ?? []).includes("reasoning.encrypted_content");
