import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { appliesTo, checkCompat } from "./compat.ts";
import { indexFixtures, seenInFixtures } from "./fixture-index.ts";

const platform = `${process.platform}-${process.arch}`;
let root = "";

function write(rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

/**
 * A fake install of both ends of a range: the newest under the package's name, the oldest under an
 * npm alias with its own platform package nested inside it, and replay fixtures.
 */
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "compat-test-"));
  write("node_modules/@fake/cli/package.json", JSON.stringify({ name: "@fake/cli", version: "1.2.3" }));
  write("node_modules/@fake/cli-native/package.json", JSON.stringify({ name: "@fake/cli-native", version: "1.2.3" }));
  write(
    "node_modules/@fake/cli-native/bin/cli",
    `\u0000ELF junk /v1/things X-Session-Id chatgpt-account-id more junk response.completed x-new-in-123 ["CLAUDE_CODE_USE_BEDROCK","CLAUDE_CODE_USE_MOON","OTHER"] e.CLAUDE_CODE_USE_STAR?"star" CLAUDE_CODE_USE_POWERSHELL_TOOL\u0000`,
  );
  write("node_modules/cli-oldest/package.json", JSON.stringify({ name: "@fake/cli", version: "1.0.0" }));
  write(
    "node_modules/cli-oldest/node_modules/@fake/cli-native/package.json",
    JSON.stringify({ name: "@fake/cli-native", version: "1.0.0" }),
  );
  write(
    "node_modules/cli-oldest/node_modules/@fake/cli-native/bin/cli",
    `\u0000ELF /v1/things X-Session-Id chatgpt-account-id response.completed ["CLAUDE_CODE_USE_BEDROCK","X"]\u0000`,
  );
  write(
    "compat/fixtures/run.jsonl",
    [
      JSON.stringify({
        seq: 1,
        kind: "http",
        method: "POST",
        path: "/api/v1/things?x=1",
        headers: { "x-session-id": "s", authorization: "Bearer t" },
        body: { prompt_cache_key: "k" },
      }),
      `{"seq":2,"kind":"ws-open","data":{"path":"/api/ws"}}`,
      "not json",
    ].join("\n"),
  );
  write("compat/fixtures/ok.sse", `event: response.completed\ndata: {"type":"response.completed"}\n\n`);
  write("compat/fixtures/ok.headers", "HTTP/1.1 200 OK\nx-codex-primary-used-percent: 1\n");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function baseline(items: unknown[]): string {
  const path = join(root, "compat", `baseline-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      clients: {
        fake: {
          package: "@fake/cli",
          oldestInstall: "cli-oldest",
          binaries: { [platform]: { package: "@fake/cli-native", path: "bin/cli" } },
          fixtures: ["fixtures/run.jsonl", "fixtures/ok.sse", "fixtures/ok.headers"],
        },
      },
      installRoots: ["apps/x/node_modules", "node_modules"],
      items,
    }),
  );
  return path;
}

const item = (id: string, kind: string, value: string, checks: string[], extra: Record<string, string> = {}) => ({
  id,
  client: "fake",
  kind,
  value,
  checks,
  why: "test",
  ...extra,
});

const compare = (a: string, b: string) => Bun.semver.order(a, b);
const options = (oldest = "1.0.0", newest = "1.2.3", known?: string[]) => ({
  ranges: { fake: { oldest, newest } },
  compare,
  ...(known ? { providerSwitches: { client: "fake", known, where: "the list" } } : {}),
});

describe("checkCompat", () => {
  test("every item present: no findings", async () => {
    const r = await checkCompat(
      root,
      baseline([
        item("route", "route", "/v1/things", ["binary", "capture"]),
        item("hdr", "header", "x-session-id", ["binary", "capture"]),
        item("resp-hdr", "header", "x-codex-primary-used-percent", ["capture"]),
        item("ev", "event", "response.completed", ["binary", "capture"]),
        item("field", "field", "prompt_cache_key", ["capture"]),
        item("ws", "route", "/api/ws", ["capture"]),
        item("parts", "header", "x-whole-account-id", ["binary"], { binaryNeedle: "account-id" }),
      ]),
      options(),
    );
    // 4 binary items at each end of the range, 6 capture items.
    expect([r.missing, r.problems, r.checked]).toEqual([[], [], 14]);
  });

  test("each missing item is reported by id and place", async () => {
    const r = await checkCompat(
      root,
      baseline([
        item("gone-bin", "header", "x-gone", ["binary"]),
        item("gone-cap", "route", "/v2/other", ["capture"]),
        item("ok", "route", "/v1/things", ["binary"]),
      ]),
      options("1.2.3", "1.2.3"),
    );
    expect(r.missing.map((m) => m.id)).toEqual(["gone-bin", "gone-cap"]);
    expect(r.missing[0]?.message).toMatch(/gone-bin: "x-gone" not found in the fake 1\.2\.3 binary/);
    expect(r.missing[1]?.message).toMatch(/gone-cap: route "\/v2\/other" not seen in the fake replay fixtures/);
  });

  test("an end of the range that is not what is installed is a problem", async () => {
    const r = await checkCompat(
      root,
      baseline([item("ok", "route", "/v1/things", ["binary"])]),
      options("1.0.0", "9.9.9"),
    );
    expect(r.problems).toEqual([
      "fake newest: installed @fake/cli is 1.2.3, the supported range says 9.9.9; run `bun install`, or `bun run compat:add fake <version>` to change the range",
    ]);
  });

  test("since/until: an item is checked only on the versions that have it, each end on its own binary", async () => {
    const r = await checkCompat(
      root,
      baseline([
        item("new", "header", "x-new-in-123", ["binary"], { since: "1.2.0" }),
        item("gone", "string", "/v1/things", ["binary"], { until: "1.1.0" }),
        item("claimed-new", "string", "response.completed", ["binary"], { since: "1.2.0" }),
      ]),
      options(),
    );
    expect([r.missing, r.problems]).toEqual([[], []]);
    expect(r.checked).toBe(3);
    expect(r.notes).toContain("claimed-new: recorded since 1.2.0, but fake 1.0.0 has it too");
    const wrong = await checkCompat(
      root,
      baseline([item("new", "header", "x-new-in-123", ["binary"], { since: "0.9.0" })]),
      options(),
    );
    expect(wrong.missing.map((m) => m.message)).toEqual([
      'new: "x-new-in-123" not found in the fake 1.0.0 binary (test)',
    ]);
  });

  test("a provider switch the binary knows and the list lacks is named, at the end that has it", async () => {
    const r = await checkCompat(
      root,
      baseline([]),
      options("1.0.0", "1.2.3", ["CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_STAR"]),
    );
    expect(r.missing.map((m) => m.message)).toEqual([
      "fake 1.2.3 knows the provider switch CLAUDE_CODE_USE_MOON, which prodex claude does not clear: add it to the list",
    ]);
    expect(r.notes).toContain("fake 1.0.0: provider switches BEDROCK");
    const all = await checkCompat(
      root,
      baseline([]),
      options("1.0.0", "1.2.3", ["CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_STAR", "CLAUDE_CODE_USE_MOON"]),
    );
    expect([all.missing, all.problems]).toEqual([[], []]);
  });

  test("appliesTo", () => {
    const it = {
      id: "a",
      client: "c",
      kind: "string" as const,
      value: "v",
      checks: ["binary" as const],
      why: "w",
      since: "1.1.0",
      until: "2.0.0",
    };
    expect([
      appliesTo(it, "1.0.9", compare),
      appliesTo(it, "1.1.0", compare),
      appliesTo(it, "1.9.9", compare),
      appliesTo(it, "2.0.0", compare),
    ]).toEqual([false, true, true, false]);
  });

  test("an invalid baseline names the field", async () => {
    const path = join(root, "compat", "bad.json");
    writeFileSync(
      path,
      JSON.stringify({
        clients: {},
        installRoots: ["node_modules"],
        items: [{ id: "a", client: "nope", kind: "route", value: "/x", checks: ["binary"], why: "w" }],
      }),
    );
    const r = await checkCompat(root, path, options());
    expect(r.problems.join("\n")).toMatch(/items\.0\.client: unknown client nope/);
  });
});

describe("seenInFixtures", () => {
  test("routes by path, headers by name in any case, events by event:/type", async () => {
    const { index, missing } = await indexFixtures(join(root, "compat"), [
      "fixtures/run.jsonl",
      "fixtures/ok.sse",
      "fixtures/ok.headers",
      "fixtures/none.jsonl",
    ]);
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
