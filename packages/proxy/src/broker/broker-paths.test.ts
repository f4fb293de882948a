import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  brokerKey,
  brokerPaths,
  normalizeUpstream,
  readAdminSecret,
  removeAdminSecret,
  writeAdminSecret,
} from "./broker-paths.ts";

describe("normalizeUpstream", () => {
  test.each([
    ["https://chatgpt.com/backend-api", "https://chatgpt.com/backend-api"],
    ["https://chatgpt.com/backend-api/", "https://chatgpt.com/backend-api"],
    ["  https://ChatGPT.com/backend-api//  ", "https://chatgpt.com/backend-api"],
    ["http://127.0.0.1:5/backend-api", "http://127.0.0.1:5/backend-api"],
    ["http://127.0.0.1:5/", "http://127.0.0.1:5"],
    ["not a url/", "not a url"],
  ])("%p → %p", (input, want) => expect(normalizeUpstream(input)).toBe(want));
});

describe("brokerKey", () => {
  test("same upstream however spelled → same key; another upstream → another", () => {
    expect(brokerKey("https://chatgpt.com/backend-api/")).toBe(brokerKey("https://chatgpt.com/backend-api"));
    expect(brokerKey("http://127.0.0.1:5/backend-api")).not.toBe(brokerKey("http://127.0.0.1:6/backend-api"));
    expect(brokerKey("x")).toMatch(/^[0-9a-f]{16}$/);
  });
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("admin secret file", () => {
  test("lives under PRODEX_HOME/broker: 0700 dir, 0600 file; read back, removed", () => {
    const home = mkdtempSync(join(tmpdir(), "prodex-bp-"));
    dirs.push(home);
    const p = brokerPaths({ prodexHome: home, locksDir: join(home, "locks") }, "http://127.0.0.1:5/backend-api");
    expect(p.dir).toBe(join(home, "broker"));
    expect(p.secretFile).toBe(join(home, "broker", `${p.key}.secret`));
    expect(p.lock).toBe(join(home, "locks", `broker-${p.key}`));
    expect(readAdminSecret(p)).toBeNull();
    writeAdminSecret(p, "s3cret");
    expect(statSync(p.dir).mode & 0o777).toBe(0o700);
    expect(statSync(p.secretFile).mode & 0o777).toBe(0o600);
    expect(readAdminSecret(p)).toBe("s3cret");
    removeAdminSecret(p);
    expect(readAdminSecret(p)).toBeNull();
  });
});
