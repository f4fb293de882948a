// Key parsing: the prefix key spec, and raw input bytes → named keys for the dashboard's own modes.

export class KeySpecError extends Error {
  constructor(spec: string) {
    super(`prefix key "${spec}" is not a control key; use a form like "C-]", "ctrl-\\\\" or "^]"`);
    this.name = "KeySpecError";
  }
}

export const DEFAULT_PREFIX = 0x1d; // Ctrl-]: unused by Codex and Claude Code, and by shells' line editors

/** "C-]", "ctrl-]", "Ctrl+\\", "^]" or the raw control character → its byte. */
export function parsePrefixKey(spec?: string): number {
  if (spec === undefined || spec === "") return DEFAULT_PREFIX;
  if (spec.length === 1) {
    const c = spec.charCodeAt(0);
    if (c < 0x20) return c;
    throw new KeySpecError(spec);
  }
  const m = /^(?:c|ctrl|control)[-+](.)$/i.exec(spec) ?? /^\^(.)$/.exec(spec);
  const ch = m?.[1];
  if (!ch) throw new KeySpecError(spec);
  const code = ch.toUpperCase().charCodeAt(0);
  // Ctrl turns @A-Z[\]^_ into 0x00-0x1f; anything else has no control form.
  if (code < 0x40 || code > 0x5f) throw new KeySpecError(spec);
  // Ctrl-M/I/[ are Enter/Tab/Esc: agents need them.
  if (code === 0x4d || code === 0x49 || code === 0x5b) throw new KeySpecError(spec);
  return code & 0x1f;
}

export function prefixLabel(byte: number): string {
  return `Ctrl-${String.fromCharCode(byte | 0x40)}`;
}

export function prefixShort(byte: number): string {
  return `^${String.fromCharCode(byte | 0x40)}`;
}

export type KeyName =
  | "char"
  | "up"
  | "down"
  | "left"
  | "right"
  | "pageup"
  | "pagedown"
  | "home"
  | "end"
  | "enter"
  | "escape"
  | "tab"
  | "backspace"
  | "delete"
  | "ctrl"
  | "other";

export type Key = { name: KeyName; ch: string; seq: string };

const csiNames: Record<string, KeyName> = { A: "up", B: "down", C: "right", D: "left", H: "home", F: "end" };
const tildeNames: Record<string, KeyName> = {
  "1": "home",
  "3": "delete",
  "4": "end",
  "5": "pageup",
  "6": "pagedown",
  "7": "home",
  "8": "end",
};

// CSI with params, SS3, ESC+char, or one code point.
const keyToken = /\x1b\[[0-9;<?]*[ -/]*[@-~]|\x1bO[@-~]|\x1b[\x20-\x7e]?|[\s\S]/gu;

/** Split an input chunk into keys. A lone ESC is the Escape key. */
export function splitKeys(s: string): Key[] {
  const keys: Key[] = [];
  for (const m of s.matchAll(keyToken)) keys.push(nameKey(m[0]));
  return keys;
}

function nameKey(seq: string): Key {
  const k = (name: KeyName, ch = "") => ({ name, ch, seq });
  if (seq === "\x1b") return k("escape");
  if (seq.startsWith("\x1b[") || seq.startsWith("\x1bO")) {
    const final = seq[seq.length - 1] ?? "";
    if (final === "~") return k(tildeNames[seq.slice(2, -1).split(";")[0] ?? ""] ?? "other");
    return k(csiNames[final] ?? (final === "Z" ? "tab" : "other"));
  }
  if (seq.startsWith("\x1b")) return k("other", seq.slice(1));
  if (seq === "\r" || seq === "\n") return k("enter");
  if (seq === "\t") return k("tab");
  if (seq === "\x7f" || seq === "\b") return k("backspace");
  const c = seq.charCodeAt(0);
  if (c < 0x20) return k("ctrl", String.fromCharCode(c | 0x60));
  return k("char", seq);
}
