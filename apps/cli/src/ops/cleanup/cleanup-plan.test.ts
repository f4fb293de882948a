import { describe, expect, test } from "bun:test";
import { type CleanupScan, type LogFile, LOG_KEEP_NEWEST, logPid, planCleanup } from "./cleanup-plan.ts";

const D = 86_400_000;
const NOW = 1_800_000_000_000;
const empty: CleanupScan = {
  now: NOW,
  logs: [],
  latestLog: null,
  loginHomes: [],
  runtimes: [],
  orphans: [],
  brokerFiles: [],
};
const log = (name: string, ageDays: number, extra: Partial<LogFile> = {}): LogFile => ({
  path: `/logs/${name}`,
  mtimeMs: NOW - ageDays * D,
  bytes: 100,
  pid: null,
  pidAlive: false,
  ...extra,
});

describe("logPid", () => {
  test.each([
    ["prodex-runtime-2026-03-01T12-00-00-000Z-4242.log", 4242],
    ["prodex-runtime-x-1.log", 1],
    ["prodex-runtime-latest.path", null],
    ["other-12.log", null],
  ])("%s → %p", (name, pid) => expect(logPid(name)).toBe(pid));
});

describe("planCleanup", () => {
  test("nothing to do", () => expect(planCleanup(empty, { force: false })).toEqual([]));

  test("runtime logs: older than 7 days go, recent stay, the latest and live ones are never touched", () => {
    const scan = {
      ...empty,
      latestLog: "/logs/latest.log",
      logs: [
        log("old.log", 8),
        log("new.log", 1),
        log("latest.log", 30),
        log("live.log", 30, { pid: 7, pidAlive: true }),
      ],
    };
    expect(planCleanup(scan, { force: false }).map((a) => [a.target, a.remove])).toEqual([["/logs/old.log", true]]);
  });

  test("runtime logs beyond the newest 40 go", () => {
    const logs = Array.from({ length: LOG_KEEP_NEWEST + 3 }, (_, i) => log(`l${i}.log`, i / 100));
    const removed = planCleanup({ ...empty, logs }, { force: false }).map((a) => a.target);
    expect(removed).toEqual(["/logs/l40.log", "/logs/l41.log", "/logs/l42.log"]);
  });

  test("temporary login homes older than a day", () => {
    const scan = {
      ...empty,
      loginHomes: [
        { path: "/h/tmp/login-a", mtimeMs: NOW - 2 * D },
        { path: "/h/tmp/login-b", mtimeMs: NOW - 3_600_000 },
      ],
    };
    expect(planCleanup(scan, { force: false }).map((a) => a.target)).toEqual(["/h/tmp/login-a"]);
  });

  test("files of stopped shared proxies go; a running broker's, or one just starting, stay", () => {
    const f = (path: string, live: boolean, ageMs: number) => ({ path, mtimeMs: NOW - ageMs, bytes: 10, live });
    const scan = {
      ...empty,
      brokerFiles: [
        f("/h/broker/a.secret", false, D),
        f("/h/broker/a.log", false, D),
        f("/h/broker/b.secret", true, D),
        f("/h/broker/c.secret", false, 5_000),
      ],
    };
    expect(planCleanup(scan, { force: false }).map((a) => [a.kind, a.target])).toEqual([
      ["broker-file", "/h/broker/a.secret"],
      ["broker-file", "/h/broker/a.log"],
    ]);
  });

  test("dead registrations go, live ones stay", () => {
    const scan = {
      ...empty,
      runtimes: [
        { id: "serve:1", kind: "serve", pid: 1, alive: false },
        { id: "serve:2", kind: "serve", pid: 2, alive: true },
      ],
    };
    expect(planCleanup(scan, { force: false })).toEqual([
      {
        kind: "runtime",
        target: "serve:1",
        reason: "registered serve whose process (pid 1) is gone",
        bytes: null,
        remove: true,
      },
    ]);
  });

  test.each([
    [false, false, true],
    [true, false, false],
    [true, true, true],
  ])("orphan home with auth=%p, force=%p → removed=%p", (hasAuth, force, removed) => {
    const [action] = planCleanup({ ...empty, orphans: [{ path: "/h/profiles/x", name: "x", hasAuth }] }, { force });
    expect(action?.remove).toBe(removed);
    if (!removed) expect(action?.reason).toContain("prodex profile add x --codex-home /h/profiles/x");
  });
});
