import { describe, expect, test } from "bun:test";
import { brokerRowId, brokersFor, leaseRowId, pidAlive } from "./registration.ts";

const row = (
  id: string,
  over: Partial<{ kind: "proxy" | "broker" | "serve"; pid: number; upstream: string; heartbeatAt: number }> = {},
) => ({
  id,
  kind: over.kind ?? "broker",
  pid: over.pid ?? 100,
  url: "http://127.0.0.1:1",
  upstream: over.upstream ?? "http://127.0.0.1:9/backend-api",
  heartbeatAt: over.heartbeatAt ?? 0,
});

describe("brokersFor", () => {
  const up = "http://127.0.0.1:9/backend-api";
  const cases: { name: string; rows: ReturnType<typeof row>[]; upstream?: string; alive?: number[]; want: string[] }[] =
    [
      { name: "none registered", rows: [], want: [] },
      { name: "a live broker for the upstream", rows: [row("b")], want: ["b"] },
      {
        name: "the same upstream spelled with a trailing slash",
        rows: [row("b", { upstream: `${up}/` })],
        want: ["b"],
      },
      { name: "another upstream", rows: [row("b", { upstream: "https://chatgpt.com/backend-api" })], want: [] },
      { name: "a dead process", rows: [row("b", { pid: 7 })], want: [] },
      {
        name: "serve and launch rows are not brokers",
        rows: [row("s", { kind: "serve" }), row("l", { kind: "proxy" })],
        want: [],
      },
      {
        name: "freshest heartbeat first",
        rows: [row("old", { heartbeatAt: 1 }), row("new", { heartbeatAt: 5, pid: 101 })],
        alive: [100, 101],
        want: ["new", "old"],
      },
    ];
  test.each(cases)("$name", ({ rows, upstream, alive, want }) => {
    const live = new Set(alive ?? [100]);
    expect(brokersFor(rows, upstream ?? up, (pid) => live.has(pid)).map((r) => r.id)).toEqual(want);
  });
});

test("row ids", () => {
  expect(brokerRowId("abc", 42)).toBe("broker:abc:42");
  expect(leaseRowId("00ff")).toBe("lease:00ff");
});

describe("pidAlive", () => {
  test("this process is alive", () => expect(pidAlive(process.pid)).toBe(true));
  test.each([0, -1, 1.5, Number.NaN])("nonsense pid %p is not", (pid) => expect(pidAlive(pid)).toBe(false));
  test("an exited child is not", async () => {
    const child = Bun.spawn(["true"]);
    await child.exited;
    expect(pidAlive(child.pid)).toBe(false);
  });
});
