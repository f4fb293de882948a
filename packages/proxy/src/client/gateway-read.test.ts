import { describe, expect, test } from "bun:test";
import { UsageError } from "@prodex/core";
import { z } from "zod";
import { readGateway } from "./gateway-read.ts";

const URL = "http://127.0.0.1:9";
const answer = (status: number, body: unknown) => async () =>
  new Response(typeof body === "string" ? body : JSON.stringify(body), { status });
const schema = z.object({ name: z.string() });

describe("readGateway: every answer but the expected one is one line", () => {
  test.each([
    [
      "unreachable",
      async () => {
        throw new Error("Unable to connect");
      },
      `cannot reach the gateway at ${URL} (Unable to connect)`,
    ],
    ["a key it does not know", answer(401, { error: { message: "x" } }), "does not know this key (unknown or revoked)"],
    [
      "a request it refuses, in its own words",
      answer(400, { error: { message: "prodex gateway: a user key cannot group usage by account" } }),
      "prodex gateway: a user key cannot group usage by account",
    ],
    [
      "a role it refuses",
      answer(403, { error: { message: "prodex gateway: GET /x needs a viewer key" } }),
      "needs a viewer key",
    ],
    ["a failing instance", answer(503, { error: { message: "db down" } }), `the gateway at ${URL} answered HTTP 503`],
    ["not JSON", answer(404, "<html>"), `the gateway at ${URL} answered HTTP 404`],
    ["not the gateway's shape", answer(200, { hello: 1 }), `${URL} did not answer as a prodex gateway`],
  ] as const)("%s", async (_name, f, line) => {
    const error = await readGateway(URL, "k", "/p", schema, f as unknown as typeof fetch).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(line);
  });

  test("the expected answer, the key as a bearer token", async () => {
    let auth: string | null = "";
    const f = (async (_url: string, init: RequestInit) => {
      auth = new Headers(init.headers).get("authorization");
      return new Response(JSON.stringify({ name: "dev" }));
    }) as unknown as typeof fetch;
    expect(await readGateway(URL, "sk-1", "/p", schema, f)).toEqual({ name: "dev" });
    expect(auth).toBe("Bearer sk-1");
  });
});
