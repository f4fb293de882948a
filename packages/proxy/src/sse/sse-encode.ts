export type SseFrame = { event?: string; data: string; id?: string };

/** Encodes one SSE frame. Multi-line data becomes several `data:` lines so it survives the trip. */
export function encodeSse(frame: SseFrame): string {
  let out = "";
  if (frame.event !== undefined) out += `event: ${frame.event}\n`;
  if (frame.id !== undefined) out += `id: ${frame.id}\n`;
  const d = frame.data;
  if (d.indexOf("\n") < 0 && d.indexOf("\r") < 0) return `${out}data: ${d}\n\n`;
  for (const line of d.split(/\r\n?|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** Encodes a comment line (keep-alive); ignored by every SSE client. */
export function encodeSseComment(text = ""): string {
  return `: ${text.replace(/[\r\n]+/g, " ")}\n\n`;
}
