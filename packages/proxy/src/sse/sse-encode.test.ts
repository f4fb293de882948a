import { describe, expect, test } from "bun:test";
import { encodeSse, encodeSseComment, type SseFrame } from "./sse-encode.ts";
import { parseSse } from "./sse-parser.ts";

const cases: { name: string; frame: SseFrame; want: string }[] = [
  {
    name: "event + data",
    frame: { event: "message_stop", data: '{"type":"message_stop"}' },
    want: 'event: message_stop\ndata: {"type":"message_stop"}\n\n',
  },
  { name: "data only", frame: { data: "x" }, want: "data: x\n\n" },
  { name: "id", frame: { id: "3", data: "x" }, want: "id: 3\ndata: x\n\n" },
  { name: "multi-line data", frame: { data: "a\nb\r\nc" }, want: "data: a\ndata: b\ndata: c\n\n" },
  { name: "empty data", frame: { data: "" }, want: "data: \n\n" },
];

describe("encodeSse", () => {
  for (const c of cases) {
    test(c.name, () => {
      expect(encodeSse(c.frame)).toBe(c.want);
      const [back] = parseSse(c.want);
      expect(back?.data).toBe(c.frame.data.replace(/\r\n?/g, "\n"));
      expect(back?.event).toBe(c.frame.event);
    });
  }
  test("comment frames are ignored by the parser", () => {
    expect(encodeSseComment("ping\nx")).toBe(": ping x\n\n");
    expect(parseSse(encodeSseComment("ping"))).toEqual([]);
  });
});
