/** One dispatched Server-Sent Event. `id` is the stream's last event id at dispatch time (WHATWG semantics). */
export type SseMessage = { event?: string; data: string; id?: string; retry?: number };

const LINE_BREAK = /\r\n?|\n/g;

/**
 * Incremental SSE parser following the WHATWG event-stream rules:
 * CR, LF and CRLF line ends (also split across chunks), `:` comments, multi-line `data`,
 * a leading BOM, and multi-byte UTF-8 split across chunks. Feed chunks, get messages;
 * call `flush()` at end of stream to dispatch a final event that lacks its blank line.
 */
export class SseParser {
  private dec = new TextDecoder();
  private buf = "";
  private skipLF = false;
  private started = false;
  private data = "";
  private hasData = false;
  private event: string | undefined;
  private lastId: string | undefined;
  private retry: number | undefined;

  feed(chunk: Uint8Array | string): SseMessage[] {
    let text = typeof chunk === "string" ? chunk : this.dec.decode(chunk, { stream: true });
    if (text.length === 0) return [];
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.skipLF) {
      this.skipLF = false;
      if (text.charCodeAt(0) === 10) text = text.slice(1);
    }
    const out: SseMessage[] = [];
    const buf = this.buf + text;
    // The carried-over part holds no line break, so only the new text needs scanning.
    LINE_BREAK.lastIndex = this.buf.length;
    let start = 0;
    for (let m = LINE_BREAK.exec(buf); m !== null; m = LINE_BREAK.exec(buf)) {
      this.line(buf.slice(start, m.index), out);
      start = m.index + m[0].length;
      // A lone CR at the very end may be the first half of a CRLF split across chunks.
      if (start === buf.length && m[0] === "\r") this.skipLF = true;
    }
    this.buf = start === 0 ? buf : buf.slice(start);
    return out;
  }

  /** End of stream: process a last unterminated line and dispatch a pending event. */
  flush(): SseMessage[] {
    const out: SseMessage[] = [];
    const rest = this.buf + this.dec.decode();
    this.buf = "";
    if (rest.length > 0) this.line(rest, out);
    this.dispatch(out);
    this.skipLF = false;
    this.started = false;
    return out;
  }

  private line(line: string, out: SseMessage[]): void {
    if (line.length === 0) return this.dispatch(out);
    if (line.charCodeAt(0) === 58) return; // ":" comment
    const colon = line.indexOf(":");
    let field = line;
    let value = "";
    if (colon >= 0) {
      field = line.slice(0, colon);
      value = line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    }
    switch (field) {
      case "data":
        this.data = this.hasData ? `${this.data}\n${value}` : value;
        this.hasData = true;
        return;
      case "event":
        this.event = value;
        return;
      case "id":
        if (!value.includes("\0")) this.lastId = value;
        return;
      case "retry":
        if (/^\d+$/.test(value)) this.retry = Number(value);
        return;
    }
  }

  private dispatch(out: SseMessage[]): void {
    if (this.hasData) {
      const msg: SseMessage = { data: this.data };
      if (this.event !== undefined && this.event !== "") msg.event = this.event;
      if (this.lastId !== undefined) msg.id = this.lastId;
      if (this.retry !== undefined) msg.retry = this.retry;
      out.push(msg);
    }
    this.data = "";
    this.hasData = false;
    this.event = undefined;
    this.retry = undefined;
  }
}

/** Parses a whole SSE body at once. */
export function parseSse(body: Uint8Array | string): SseMessage[] {
  const p = new SseParser();
  const out = p.feed(body);
  for (const m of p.flush()) out.push(m);
  return out;
}
