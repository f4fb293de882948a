/**
 * OpenAI function names must match ^[a-zA-Z0-9_-]{1,64}$; Anthropic allows up to 128 characters, so
 * long MCP tool names can break upstream. Invalid names are rewritten deterministically (the same
 * name always maps to the same upstream name, so history and tool definitions agree) and the stream
 * translator maps them back.
 */
const VALID = /^[a-zA-Z0-9_-]{1,64}$/;

export function upstreamToolName(name: string): string {
  if (VALID.test(name)) return name;
  const clean = name.replace(/[^a-zA-Z0-9_-]/g, "_") || "tool";
  const hash = Bun.hash(name).toString(16).padStart(16, "0").slice(0, 8);
  return `${clean.slice(0, 55)}_${hash}`;
}

/** Records every rewritten name as upstream → original, for the way back. */
export function rememberToolName(map: Map<string, string>, name: string): string {
  const up = upstreamToolName(name);
  if (up !== name) map.set(up, name);
  return up;
}
