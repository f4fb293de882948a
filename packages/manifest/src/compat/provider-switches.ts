/**
 * The provider switches a Claude Code binary knows: the `CLAUDE_CODE_USE_*` variables that send
 * inference somewhere other than `ANTHROPIC_BASE_URL` (Bedrock, Vertex, …). `prodex claude` must
 * clear every one, so compat:check reads them from each installed version and names any that
 * prodex's list lacks. Two shapes mark a switch in the bundled JavaScript (2.1.197 and 2.1.332):
 * the routing list, an array literal that starts `["CLAUDE_CODE_USE_BEDROCK","CLAUDE_CODE_USE_…",`
 * (its leading run of switches), and the provider pick, `…CLAUDE_CODE_USE_X)?"name"` or
 * `….CLAUDE_CODE_USE_X?"name"`. Other `CLAUDE_CODE_USE_*` flags (POWERSHELL_TOOL, …) are in neither.
 */
const PREFIX = Buffer.from("CLAUDE_CODE_USE_");
const LIST_START = Buffer.from('["CLAUDE_CODE_USE_BEDROCK"');
const NAME_BYTE = /[A-Z0-9_]/;

function nameAt(buf: Buffer, at: number): { name: string; end: number } {
  let end = at + PREFIX.length;
  while (end < buf.length && NAME_BYTE.test(String.fromCharCode(buf[end] as number))) end++;
  return { name: buf.toString("latin1", at, end), end };
}

/** The switches in one piece of a binary (pure; `scanProviderSwitches` feeds it overlapping chunks). */
export function providerSwitchesIn(buf: Buffer): Set<string> {
  const found = new Set<string>();
  for (let i = buf.indexOf(PREFIX); i !== -1; i = buf.indexOf(PREFIX, i + 1)) {
    const { name, end } = nameAt(buf, i);
    if (name === "CLAUDE_CODE_USE_") continue;
    const after = buf.toString("latin1", end, end + 3);
    if (after.startsWith('?"') || after.startsWith(')?"')) found.add(name);
  }
  for (let i = buf.indexOf(LIST_START); i !== -1; i = buf.indexOf(LIST_START, i + 1)) {
    let at = i + 2;
    for (;;) {
      const { name, end } = nameAt(buf, at);
      found.add(name);
      if (buf.toString("latin1", end, end + 3 + PREFIX.length) !== `","${PREFIX.toString("latin1")}`) break;
      at = end + 3;
    }
  }
  return found;
}

/** Every provider switch in a (large) file, read in overlapping chunks. */
export async function scanProviderSwitches(file: Blob, chunkBytes = 8 << 20): Promise<string[]> {
  const overlap = 4096;
  const all = new Set<string>();
  for (let start = 0; start < file.size; start += chunkBytes) {
    const buf = Buffer.from(await file.slice(start, Math.min(file.size, start + chunkBytes + overlap)).arrayBuffer());
    for (const s of providerSwitchesIn(buf)) all.add(s);
  }
  return [...all].sort();
}
