/** Deterministic answer selection: what the "model" says to a request. */
import { asString as str, isRecord } from "@prodex/guards";
import { items, textOf, type Item, type ResponsesBody } from "./request-body.ts";

export type Answer =
  | { kind: "text"; text: string }
  | { kind: "tool"; name: string; arguments: string }
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
    return { kind: "text", text: `tool said: ${textOf(last.output).trim().slice(0, 200)}` };
  }
  const tool = /\btool\b/i.test(lastUserText(input)) ? pickTool(body.tools ?? []) : null;
  return tool ?? { kind: "text", text: reply };
}

function lastUserText(input: Item[]): string {
  for (let i = input.length - 1; i >= 0; i--) {
    const item = input[i];
    if (item && (item.type === "message" || item.type === undefined) && item.role === "user") return textOf(item.content);
  }
  return "";
}

function pickTool(tools: unknown[]): Answer | null {
  const names = tools
    .filter(isRecord)
    .filter((t) => t.type === "function")
    .map((t) => str(t.name))
    .filter((n): n is string => n !== undefined);
  const shell = names.find((n) => n in shellCalls);
  if (shell) return { kind: "tool", name: shell, arguments: JSON.stringify(shellCalls[shell]) };
  const first = names[0];
  return first ? { kind: "tool", name: first, arguments: "{}" } : null;
}

export const wantsReasoning = (body: ResponsesBody) => (body.include ?? []).includes("reasoning.encrypted_content");
