import { splitKeys, type Key } from "./keys.ts";

export type WrapCommand =
  | { type: "help" }
  | { type: "pool" }
  | { type: "usage" }
  | { type: "cyclePanel" }
  | { type: "panelWidth"; delta: number }
  | { type: "autoRotate" }
  | { type: "pin"; index: number | null }
  | { type: "scroll" }
  | { type: "redraw" }
  | { type: "quit" }
  | { type: "cancel" };

/** `dashboard`: input for the dashboard's own modes (pool view, help, scroll), read by Ink. */
export type Routed = { agent: Uint8Array[]; dashboard: Uint8Array[]; commands: WrapCommand[] };

const PASTE_START = [0x1b, 0x5b, 0x32, 0x30, 0x30, 0x7e]; // ESC [ 2 0 0 ~
const PASTE_END = [0x1b, 0x5b, 0x32, 0x30, 0x31, 0x7e]; // ESC [ 2 0 1 ~

function matchAt(buf: Uint8Array, i: number, seq: number[]): boolean {
  if (i + seq.length > buf.length) return false;
  for (let k = 0; k < seq.length; k++) if (buf[i + k] !== seq[k]) return false;
  return true;
}

function indexOfSeq(buf: Uint8Array, from: number, seq: number[]): number {
  for (let i = buf.indexOf(seq[0] ?? 0, from); i >= 0; i = buf.indexOf(seq[0] ?? 0, i + 1))
    if (matchAt(buf, i, seq)) return i;
  return -1;
}

export function commandFor(key: Key): WrapCommand {
  const ch = key.name === "char" ? key.ch : "";
  if (ch === "?" || ch === "h") return { type: "help" };
  if (ch === "d" || ch === "v" || ch === " ") return { type: "pool" };
  if (ch === "u") return { type: "usage" };
  if (ch === "s" || key.name === "tab") return { type: "cyclePanel" };
  if (ch === "<" || ch === "-" || key.name === "left") return { type: "panelWidth", delta: 4 };
  if (ch === ">" || ch === "+" || ch === "=" || key.name === "right") return { type: "panelWidth", delta: -4 };
  if (ch === "a") return { type: "autoRotate" };
  if (ch === "0") return { type: "pin", index: null };
  if (ch >= "1" && ch <= "9") return { type: "pin", index: Number(ch) - 1 };
  if (ch === "[" || key.name === "pageup") return { type: "scroll" };
  if (ch === "l" || (key.name === "ctrl" && key.ch === "l")) return { type: "redraw" };
  if (ch === "q") return { type: "quit" };
  return { type: "cancel" };
}

/**
 * Splits terminal input between the agent and the dashboard. Bytes go to the agent untouched;
 * only the prefix key and the one key after it are taken. A bracketed paste is always passed
 * through whole, even if it contains the prefix byte.
 */
export class InputRouter {
  /** When true, input is for the dashboard (pool view, help…), not the agent. */
  modal = false;
  armed = false;
  private paste = false;
  private decoder = new TextDecoder();

  constructor(readonly prefix: number) {}

  route(chunk: Uint8Array): Routed {
    // Fast path: plain typing, nothing for us. No copy, no scan beyond one indexOf.
    if (!this.modal && !this.armed && !this.paste && chunk.indexOf(this.prefix) < 0) {
      if (chunk.indexOf(0x1b) >= 0) this.trackPaste(chunk);
      return { agent: [chunk], dashboard: [], commands: [] };
    }
    const out: Routed = { agent: [], dashboard: [], commands: [] };
    let start = 0;
    let i = 0;
    const n = chunk.length;
    const flush = (end: number) => {
      if (end > start) this.emit(out, chunk.subarray(start, end));
    };
    while (i < n) {
      if (this.paste) {
        const end = indexOfSeq(chunk, i, PASTE_END);
        if (end < 0) {
          i = n;
          break;
        }
        i = end + PASTE_END.length;
        this.paste = false;
        continue;
      }
      if (this.armed) {
        this.armed = false;
        if (chunk[i] === this.prefix) {
          out.agent.push(Uint8Array.of(this.prefix));
          i += 1;
        } else {
          const key = splitKeys(this.decoder.decode(chunk.subarray(i)))[0];
          if (!key) break;
          out.commands.push(commandFor(key));
          i += Buffer.byteLength(key.seq);
        }
        start = i;
        continue;
      }
      const b = chunk[i];
      if (b === this.prefix) {
        flush(i);
        this.armed = true;
        i += 1;
        start = i;
        continue;
      }
      if (b === 0x1b && matchAt(chunk, i, PASTE_START)) {
        this.paste = true;
        i += PASTE_START.length;
        continue;
      }
      i += 1;
    }
    flush(n);
    return out;
  }

  private emit(out: Routed, bytes: Uint8Array): void {
    (this.modal ? out.dashboard : out.agent).push(bytes);
  }

  private trackPaste(chunk: Uint8Array): void {
    const s = indexOfSeq(chunk, 0, PASTE_START);
    if (s < 0) return;
    this.paste = indexOfSeq(chunk, s + PASTE_START.length, PASTE_END) < 0;
  }
}
