import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open, seal } from "./sealed-box.ts";
import { loadSecretKey, loadSecretKeyRing, parseSecretKey, parseSecretKeys } from "./secret-key.ts";

const key = () => parseSecretKey(randomBytes(32).toString("base64"), "test");

describe("sealed box (AES-256-GCM)", () => {
  test("round trip; a fresh IV each time", () => {
    const k = key();
    const a = seal(k, "token", "acct");
    expect(open(k, a, "acct")).toBe("token");
    expect(seal(k, "token", "acct")).not.toBe(a);
  });

  test.each([
    ["another key", (s: string) => open(key(), s, "acct")],
    ["another row (associated data)", (s: string) => open(fixed, s, "other")],
    ["a flipped bit", (s: string) => open(fixed, flip(s), "acct")],
    ["a truncated value", (s: string) => open(fixed, s.slice(0, 20), "acct")],
  ])("does not open with %s", (_what, attempt) => {
    expect(attempt(seal(fixed, "token", "acct"))).toBeNull();
  });
});

const fixed = key();
function flip(sealed: string): string {
  const raw = Buffer.from(sealed, "base64");
  raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
  return raw.toString("base64");
}

describe("secret key", () => {
  test.each([
    ["", "is not base64 of 32 bytes"],
    ["c2hvcnQ=", "is not base64 of 32 bytes"],
    ["not base64 at all!", "is not base64 of 32 bytes"],
    [randomBytes(33).toString("base64"), "is not base64 of 32 bytes"],
  ])("refuses %p", (text, message) => {
    expect(() => parseSecretKey(text, "X")).toThrow(message);
  });

  test("same bytes, same id; the id is not the key", () => {
    const text = randomBytes(32).toString("base64");
    const a = parseSecretKey(text, "a");
    expect(parseSecretKey(`${text}\n`, "b").id).toBe(a.id);
    expect(a.id).toMatch(/^[0-9a-f]{16}$/);
    expect(text).not.toContain(a.id);
  });

  test("from the environment or a 0600 file; neither is one clear line", () => {
    const dir = mkdtempSync(join(tmpdir(), "prodex-key-"));
    try {
      const text = randomBytes(32).toString("base64");
      const file = join(dir, "key");
      writeFileSync(file, text);
      chmodSync(file, 0o600);
      expect(loadSecretKey({ PRODEX_GATEWAY_SECRET_KEY_FILE: file }).id).toBe(parseSecretKey(text, "x").id);
      expect(loadSecretKey({ PRODEX_GATEWAY_SECRET_KEY: text }).id).toBe(parseSecretKey(text, "x").id);
      chmodSync(file, 0o640);
      expect(() => loadSecretKey({ PRODEX_GATEWAY_SECRET_KEY_FILE: file })).toThrow("is readable by others (mode 640)");
      expect(() => loadSecretKey({})).toThrow("no gateway secret key");
      expect(() => loadSecretKey({ PRODEX_GATEWAY_SECRET_KEY_FILE: join(dir, "missing") })).toThrow(
        "cannot read the gateway secret key file",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a key file with several keys (a rotation in progress)", () => {
  const [k1, k2] = [randomBytes(32).toString("base64"), randomBytes(32).toString("base64")];
  const id = (t: string) => parseSecretKey(t, "x").id;
  test.each([
    ["one key", `${k1}\n`, [id(k1)]],
    ["newest first, comments and blank lines skipped", `# new\n${k2}\n\n# current\n${k1}\n`, [id(k2), id(k1)]],
    ["a key twice counts once", `${k1}\n${k1}\n`, [id(k1)]],
  ])("%s", (_what, text, ids) => {
    expect(parseSecretKeys(text, "F").map((k) => k.id)).toEqual(ids);
  });

  test.each([
    ["a bad line is named", `${k1}\nnot-a-key\n`, "F line 2 is not base64 of 32 bytes"],
    ["no key at all", "# nothing\n\n", "F holds no key"],
  ])("%s", (_what, text, message) => {
    expect(() => parseSecretKeys(text, "F")).toThrow(message);
  });

  test("from a file it can be re-read (the file is kept); from the environment it cannot", () => {
    const dir = mkdtempSync(join(tmpdir(), "prodex-key-"));
    try {
      const file = join(dir, "key");
      writeFileSync(file, `${k2}\n${k1}\n`);
      chmodSync(file, 0o600);
      const ring = loadSecretKeyRing({ PRODEX_GATEWAY_SECRET_KEY_FILE: file });
      expect(ring).toEqual({ keys: [parseSecretKey(k2, "x"), parseSecretKey(k1, "x")], file });
      expect(loadSecretKey({ PRODEX_GATEWAY_SECRET_KEY_FILE: file }).id).toBe(id(k2));
      expect(loadSecretKeyRing({ PRODEX_GATEWAY_SECRET_KEY: k1 }).file).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
