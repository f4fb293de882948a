/**
 * Reads the runtime shard labels CI runs from `.ci/run`: the line
 * `RUNTIME_SHARDS="a b"` (or `RUNTIME_SHARDS=(a b)`), which `.ci/run` passes to `bun run test`.
 */
export function parseCiShards(script: string): string[] | undefined {
  for (const line of script.split("\n")) {
    const m = /^\s*(?:export\s+)?RUNTIME_SHARDS=(?:"([^"]*)"|'([^']*)'|\(([^)]*)\)|(\S*))\s*(?:#.*)?$/.exec(line);
    if (!m) continue;
    const raw = m[1] ?? m[2] ?? m[3] ?? m[4] ?? "";
    return raw
      .split(/\s+/)
      .map((s) => s.replace(/^["']|["']$/g, ""))
      .filter(Boolean);
  }
  return undefined;
}
