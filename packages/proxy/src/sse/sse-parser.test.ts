import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SseParser, parseSse, type SseMessage } from "./sse-parser.ts";

const fixtures = join(import.meta.dir, "../../test/fixtures");

/** Feeds `chunks` one by one and flushes; returns every message. */
function run(chunks: (string | Uint8Array)[]): SseMessage[] {
  const p = new SseParser();
  const out: SseMessage[] = [];
  for (const c of chunks) out.push(...p.feed(c));
  out.push(...p.flush());
  return out;
}

const enc = new TextEncoder();

const cases: { name: string; chunks: (string | Uint8Array)[]; want: SseMessage[] }[] = [
  { name: "event + data", chunks: ["event: a\ndata: 1\n\n"], want: [{ event: "a", data: "1" }] },
  { name: "data only", chunks: ["data: x\n\n"], want: [{ data: "x" }] },
  { name: "no space after colon", chunks: ["event:a\ndata:1\n\n"], want: [{ event: "a", data: "1" }] },
  { name: "only the first space is stripped", chunks: ["data:  two\n\n"], want: [{ data: " two" }] },
  { name: "CRLF line ends", chunks: ["event: a\r\ndata: 1\r\n\r\n"], want: [{ event: "a", data: "1" }] },
  { name: "CR line ends", chunks: ["event: a\rdata: 1\r\r"], want: [{ event: "a", data: "1" }] },
  {
    name: "CRLF split between chunks",
    chunks: ["data: 1\r", "\n\r", "\ndata: 2\r\n\r\n"],
    want: [{ data: "1" }, { data: "2" }],
  },
  { name: "multi-line data", chunks: ["data: a\ndata: b\ndata:\n\n"], want: [{ data: "a\nb\n" }] },
  { name: "comments are ignored", chunks: [": keep-alive\n\n:x\ndata: 1\n\n"], want: [{ data: "1" }] },
  { name: "event without data is not dispatched", chunks: ["event: ping\n\ndata: 1\n\n"], want: [{ data: "1" }] },
  { name: "empty data line dispatches empty data", chunks: ["data\n\n"], want: [{ data: "" }] },
  { name: "unknown fields ignored", chunks: ["foo: bar\ndata: 1\n\n"], want: [{ data: "1" }] },
  {
    name: "split mid-line and mid-field",
    chunks: ["ev", "ent: resp", "onse.created\nda", 'ta: {"a"', ":1}\n", "\n"],
    want: [{ event: "response.created", data: '{"a":1}' }],
  },
  {
    name: "final event without trailing blank line (flush)",
    chunks: ["data: 1\n\ndata: last"],
    want: [{ data: "1" }, { data: "last" }],
  },
  {
    name: "final event with one newline (flush)",
    chunks: ["event: e\ndata: last\n"],
    want: [{ event: "e", data: "last" }],
  },
  { name: "leading BOM", chunks: ["\ufeffdata: 1\n\n"], want: [{ data: "1" }] },
  {
    name: "id persists across events",
    chunks: ["id: 7\ndata: a\n\ndata: b\n\n"],
    want: [
      { id: "7", data: "a" },
      { id: "7", data: "b" },
    ],
  },
  { name: "id with NUL is ignored", chunks: ["id: a\0b\ndata: 1\n\n"], want: [{ data: "1" }] },
  { name: "retry is reported", chunks: ["retry: 1500\ndata: 1\n\n"], want: [{ data: "1", retry: 1500 }] },
  {
    name: "bytes with a UTF-8 char split across chunks",
    chunks: [enc.encode("data: h\u00e9").slice(0, 8), enc.encode("data: h\u00e9\n\n").slice(8)],
    want: [{ data: "h\u00e9" }],
  },
  { name: "empty chunks", chunks: ["", "data: 1", "", "\n\n"], want: [{ data: "1" }] },
];

describe("SseParser", () => {
  for (const c of cases) test(c.name, () => expect(run(c.chunks)).toEqual(c.want));

  test("byte-by-byte feeding equals whole feeding on a real stream", () => {
    const body = readFileSync(join(fixtures, "responses/codex-tool.sse"));
    const whole = parseSse(body);
    const bytes: Uint8Array[] = [];
    for (let i = 0; i < body.length; i++) bytes.push(body.subarray(i, i + 1));
    expect(run(bytes)).toEqual(whole);
    expect(whole.map((m) => m.event)).toEqual([
      "response.created",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    for (const m of whole) expect(JSON.parse(m.data).type).toBe(m.event);
  });

  test("a parser is reusable after flush", () => {
    const p = new SseParser();
    p.feed("data: 1");
    expect(p.flush()).toEqual([{ data: "1" }]);
    expect(p.feed("\ufeffdata: 2\n\n")).toEqual([{ data: "2" }]);
  });
});
