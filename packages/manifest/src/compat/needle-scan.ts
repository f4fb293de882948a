/**
 * Reads a (large) file in chunks and reports which needle groups occur in it; a group is found
 * when any of its variants occurs. Chunks overlap by the longest needle so a match across a
 * chunk boundary is still seen. Found groups drop out and reading stops when none is left.
 * Chunks are visited from both ends inwards: native executables keep their strings near the
 * start (Rust .rodata) or near the end (Bun's embedded bundle), so this reads far less of a
 * 250 MB binary than a front-to-back pass, without knowing which kind it is.
 */
export async function findNeedles(
  file: Blob,
  groups: readonly (readonly string[])[],
  chunkBytes = 4 << 20,
): Promise<boolean[]> {
  const found = groups.map(() => false);
  let pending = groups.flatMap((g, gi) => g.map((v) => ({ gi, bytes: Buffer.from(v, "utf8") })));
  const overlap = pending.reduce((m, n) => Math.max(m, n.bytes.length), 1) - 1;
  const count = Math.ceil(file.size / chunkBytes);
  for (const i of bothEnds(count)) {
    if (pending.length === 0) break;
    const start = i * chunkBytes;
    const buf = Buffer.from(await file.slice(start, Math.min(file.size, start + chunkBytes + overlap)).arrayBuffer());
    for (const n of pending) if (!found[n.gi] && buf.indexOf(n.bytes) !== -1) found[n.gi] = true;
    pending = pending.filter((n) => !found[n.gi]);
  }
  return found;
}

/** 0..n-1 as last, first, second-to-last, second, … */
export function bothEnds(n: number): number[] {
  const out: number[] = [];
  for (let lo = 0, hi = n - 1; lo <= hi; lo++, hi--) {
    out.push(hi);
    if (lo !== hi) out.push(lo);
  }
  return out;
}

/** The spellings a header may have in a binary: as recorded, lower-case and Title-Case. */
export function headerVariants(name: string): string[] {
  const title = name
    .split("-")
    .map((p) => (p ? p[0]?.toUpperCase() + p.slice(1) : p))
    .join("-");
  return [...new Set([name, name.toLowerCase(), title])];
}
