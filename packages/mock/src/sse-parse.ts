/** Parse an SSE body into its messages (for tests and clients of the mock). */

export type SseMessage = { event: string | null; data: unknown };

export function parseSse(text: string): SseMessage[] {
  const out: SseMessage[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    let event: string | null = null;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (data.length === 0) continue;
    const raw = data.join("\n");
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // keep the raw text: not every SSE payload is JSON
    }
    out.push({ event, data: value });
  }
  return out;
}

/** The `type` of each JSON payload, in order. */
export const eventTypes = (messages: SseMessage[]) =>
  messages.map((m) => (typeof m.data === "object" && m.data !== null && "type" in m.data ? String(m.data.type) : "?"));
