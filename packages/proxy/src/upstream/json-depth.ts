// How deeply a JSON text nests, counted without parsing and stopping at the limit. The proxy
// walks parsed requests recursively (the Claude translation, tool schemas); a body nested past
// any real schema is refused at the boundary instead of being walked until the stack overflows.

/** Deepest object/array nesting prodex accepts in a request it parses (real tool schemas use tens). */
export const MAX_JSON_DEPTH = 512;

/** Whether `text` nests objects/arrays deeper than `limit` (strings, with their escapes, skipped). */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}
