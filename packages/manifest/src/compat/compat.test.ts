import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { checkCompat } from "./compat.ts";
import { indexFixtures, seenInFixtures } from "./fixture-index.ts";

const platform = `${process.platform}-${process.arch}`;
let root = "";

function write(rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

/** A fake install: a client package, its platform package with a "binary", and replay fixtures. */
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "compat-test-"));
  write("node_modules/@fake/cli/package.json", JSON.stringify({ name: "@fake/cli", version: "1.2.3" }));
  write("node_modules/@fake/cli-native/package.json", JSON.stringify({ name: "@fake/cli-native", version: "1.2.3" }));
  write("node_modules/@fake/cli-native/bin/cli", `\u0000ELF junk /v1/things X-Session-Id chatgpt-account-id more junk response.completed\u0000`);
  write("compat/fixtures/run.jsonl", [JSON.stringify({ seq: 1, kind: "http", method: "POST", path: "/api/v1/things?x=1", headers: { "x-session-id": "s", authorization: "Bearer t" }, body: { prompt_cache_key: "k" } }), `{"seq":2,"kind":"ws-open","data":{"path":"/api/ws"}}`, "not json"].join("\n"));
  write("compat/fixtures/ok.sse", `event: response.completed\ndata: {"type":"response.completed"}\n\n`);
  write("compat/fixtures/ok.headers", "HTTP/1.1 200 OK\nx-codex-primary-used-percent: 1\n");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function baseline(items: unknown[], version = "1.2.3"): string {
  const path = join(root, "compat", `baseline-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify({ clients: { fake: { package: "@fake/cli", version, binaries: { [platform]: { package: "@fake/cli-native", path: "bin/cli" } }, fixtures: ["fixtures/run.jsonl", "fixtures/ok.sse", "fixtures/ok.headers"] } }, installRoots: ["apps/x/node_modules", "node_modules"], items }));
  return path;
}

const item = (id: string, kind: string, value: string, checks: string[], extra: Record<string, string> = {}) => ({ id, client: "fake", kind, value, checks, why: "test", ...extra });

describe("checkCompat", () => {
  test("every item present: no findings", async () => {
    const r = await checkCompat(root, baseline([
      item("route", "route", "/v1/things", ["binary", "capture"]),
      item("hdr", "header", "x-session-id", ["binary", "capture"]),
      item("resp-hdr", "header", "x-codex-primary-used-percent", ["capture"]),
      item("ev", "event", "response.completed", ["binary", "capture"]),
      item("field", "field", "prompt_cache_key", ["capture"]),
      item("ws", "route", "/api/ws", ["capture"]),
      item("parts", "header", "x-whole-account-id", ["binary"], { binaryNeedle: "account-id" }),
    ]));
    expect([r.missing, r.problems, r.checked]).toEqual([[], [], 10]);
  });

  test("each missing item is reported by id and place", async () => {
    const r = await checkCompat(root, baseline([item("gone-bin", "header", "x-gone", ["binary"]), item("gone-cap", "route", "/v2/other", ["capture"]), item("ok", "route", "/v1/things", ["binary"])]));
    expect(r.missing.map((m) => m.id)).toEqual(["gone-bin", "gone-cap"]);
    expect(r.missing[0]?.message).toMatch(/gone-bin: "x-gone" not found in the fake 1\.2\.3 binary/);
    expect(r.missing[1]?.message).toMatch(/gone-cap: route "\/v2\/other" not seen in the fake replay fixtures/);
  });

  test("a version drift from the pin is a problem", async () => {
    const r = await checkCompat(root, baseline([item("ok", "route", "/v1/things", ["binary"])], "9.9.9"));
    expect(r.problems).toEqual(["fake: installed @fake/cli 1.2.3, the baseline pins 9.9.9; re-check the items and update scripts/compat/upstream-baseline.json"]);
  });

  test("an invalid baseline names the field", async () => {
    const path = join(root, "compat", "bad.json");
    writeFileSync(path, JSON.stringify({ clients: {}, installRoots: ["node_modules"], items: [{ id: "a", client: "nope", kind: "route", value: "/x", checks: ["binary"], why: "w" }] }));
    const r = await checkCompat(root, path);
    expect(r.problems.join("\n")).toMatch(/items\.0\.client: unknown client nope/);
  });
});

describe("seenInFixtures", () => {
  test("routes by path, headers by name in any case, events by event:/type", async () => {
    const { index, missing } = await indexFixtures(join(root, "compat"), ["fixtures/run.jsonl", "fixtures/ok.sse", "fixtures/ok.headers", "fixtures/none.jsonl"]);
    expect(missing).toEqual(["fixtures/none.jsonl"]);
    expect(seenInFixtures(index, "route", "/v1/things")).toBe(true);
    expect(seenInFixtures(index, "route", "/things?x")).toBe(false);
    expect(seenInFixtures(index, "header", "X-Session-Id")).toBe(true);
    expect(seenInFixtures(index, "header", "x-codex-primary-used-percent")).toBe(true);
    expect(seenInFixtures(index, "header", "prompt_cache_key")).toBe(false);
    expect(seenInFixtures(index, "event", "response.completed")).toBe(true);
    expect(seenInFixtures(index, "event", "response")).toBe(false);
  });
});
