import { describe, expect, test } from "bun:test";
import { gzipSync } from "node:zlib";
import { BodyError, forwardedJsonError, handOverBody, jsonBodyError, readRequestBody } from "./request-body.ts";

const LIMIT = 1024;

function req(body: Uint8Array | string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}): Request {
  return new Request("http://127.0.0.1/x", { method: "POST", headers, body });
}

async function failure(request: Request): Promise<{ status: number; message: string } | null> {
  try {
    await readRequestBody(request, LIMIT);
    return null;
  } catch (error) {
    if (!(error instanceof BodyError)) throw error;
    return { status: error.status, message: error.message };
  }
}

function stream(total: number, chunk = 100): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(c) {
      if (sent >= total) return c.close();
      const n = Math.min(chunk, total - sent);
      sent += n;
      c.enqueue(new Uint8Array(n).fill(0x20));
    },
  });
}

describe("readRequestBody limits", () => {
  const zeros = new Uint8Array(LIMIT + 1);
  const cases: [string, () => Request, { status: number; message: RegExp } | null][] = [
    ["at the limit", () => req(new Uint8Array(LIMIT).fill(0x20)), null],
    [
      "declared over the limit",
      () => req("{}", { "content-length": String(LIMIT + 1) }),
      { status: 413, message: /of 1025 bytes exceeds the 1024-byte limit/ },
    ],
    ["streamed over the limit", () => req(stream(LIMIT * 4)), { status: 413, message: /exceeds the 1024-byte limit$/ }],
    ["streamed within the limit", () => req(stream(LIMIT)), null],
    [
      "zstd over the limit once decompressed",
      () => req(Bun.zstdCompressSync(zeros), { "content-encoding": "zstd" }),
      { status: 413, message: /once decompressed/ },
    ],
    [
      "gzip over the limit once decompressed",
      () => req(gzipSync(zeros), { "content-encoding": "gzip" }),
      { status: 413, message: /once decompressed/ },
    ],
    [
      "zstd that is not",
      () => req("nope", { "content-encoding": "zstd" }),
      { status: 400, message: /says zstd but does not decompress/ },
    ],
    [
      "gzip that is not",
      () => req("nope", { "content-encoding": "gzip" }),
      { status: 400, message: /says gzip but does not decompress/ },
    ],
  ];
  for (const [why, make, want] of cases) {
    test(why, async () => {
      const got = await failure(make());
      if (want === null) expect(got).toBeNull();
      else {
        expect(got?.status).toBe(want.status);
        expect(got?.message).toMatch(want.message);
      }
    });
  }

  test("zstd within the limit decodes to the text", async () => {
    const body = await readRequestBody(
      req(Bun.zstdCompressSync(new TextEncoder().encode('{"a":1}')), { "content-encoding": "zstd" }),
      LIMIT,
    );
    expect(body.text).toBe('{"a":1}');
    expect(body.json()).toEqual({ a: 1 });
  });
});

describe("handOverBody (a body read in-process by the team gateway's front door)", () => {
  test("the proxy's read is the front door's: the same text, and JSON parsed once", async () => {
    const text = JSON.stringify({ model: "gpt-5", input: [{ type: "message" }] });
    const first = await readRequestBody(req(text));
    const parsed = first.json();
    const handed = handOverBody(req(text), first);
    const again = await readRequestBody(handed);
    expect(again).toBe(first);
    expect(again.json()).toBe(parsed);
    expect(handed.bodyUsed).toBe(false);
  });

  test("over a route's own limit the request's bytes are read and refused as usual", async () => {
    const big = new Uint8Array(LIMIT + 1).fill(0x20);
    const handed = handOverBody(req(big), await readRequestBody(req(big)));
    expect(await failure(handed)).toEqual({ status: 413, message: "request body exceeds the 1024-byte limit" });
  });
});

describe("jsonBodyError and forwardedJsonError (the same answers, one without parsing)", () => {
  const cases: [string, Uint8Array | string, Record<string, string>, number | null, RegExp | null][] = [
    ["an object", '{"a":1}', {}, null, null],
    ["an array", "[1]", {}, null, null],
    ["malformed", "{a:1}", {}, 400, /not valid JSON/],
    ["a bare string", '"hi"', {}, 400, /not valid JSON/],
    ["empty", "", {}, 400, /not valid JSON/],
    ["whitespace, then an object", ' \n {"a":1} ', {}, null, null],
    ["an object, then junk", '{"a":1} x', {}, 400, /not valid JSON/],
    ["invalid UTF-8", new Uint8Array([0x7b, 0xff, 0x7d]), {}, 400, /not valid UTF-8/],
    ["an unknown encoding", "{}", { "content-encoding": "br" }, 415, /content-encoding br/],
    ["identity", "{}", { "content-encoding": "identity" }, null, null],
  ];
  for (const [why, body, headers, status, message] of cases) {
    test(why, async () => {
      for (const check of [jsonBodyError, forwardedJsonError]) {
        const error = check(await readRequestBody(req(body, headers), LIMIT));
        expect(error?.status ?? null).toBe(status);
        if (message) expect(error?.message).toMatch(message);
      }
    });
  }
});
