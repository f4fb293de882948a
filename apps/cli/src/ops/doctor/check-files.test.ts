import { describe, expect, test } from "bun:test";
import { type FileKind, modeFinding } from "./check-files.ts";

describe("modeFinding", () => {
  test.each<[FileKind, number, boolean, string, string | null]>([
    ["secret", 0o100600, true, "ok", null],
    ["secret", 0o100640, true, "error", "chmod 600 /p"],
    ["secret", 0o100644, true, "error", "chmod 600 /p"],
    ["data", 0o100600, true, "ok", null],
    ["data", 0o100644, true, "warn", "chmod 600 /p"],
    ["dir", 0o40700, true, "ok", null],
    ["dir", 0o40750, true, "warn", "chmod 700 /p"],
    ["dir", 0o40755, true, "warn", "chmod 700 /p"],
    ["secret", 0o100600, false, "error", "chown it to yourself, or set PRODEX_HOME to a directory you own"],
    ["dir", 0o40700, false, "warn", "chown it to yourself, or set PRODEX_HOME to a directory you own"],
  ])("%s %o owner=%p → %s", (kind, mode, owner, severity, fix) => {
    const f = modeFinding(kind, "/p", mode, owner);
    expect(f.severity).toBe(severity as typeof f.severity);
    expect(f.fix).toBe(fix);
    expect(f.path).toBe("/p");
  });

  test("says who can read it and what mode is wanted", () => {
    expect(modeFinding("secret", "/a/auth.json", 0o100644, true).message).toBe(
      "/a/auth.json is 0644: everyone can read it (want 0600)",
    );
    expect(modeFinding("dir", "/h", 0o40750, true).message).toBe("/h is 0750: your group can look inside (want 0700)");
  });
});
