import { describe, expect, test } from "bun:test";
import { doctorJson, finding } from "../ops/doctor/finding.ts";
import { doctorText } from "./doctor-text.ts";

const report = doctorJson(
  [
    finding("agents.codex", "agents", "ok", "Codex CLI 0.169.0 (bundled)"),
    finding("files.modes", "files", "ok", "PRODEX_HOME and database: 3 path(s) private"),
    finding(
      "files.auth-mode",
      "files",
      "error",
      "/h/auth.json is 0644: everyone can read it (want 0600)",
      "chmod 600 /h/auth.json",
    ),
    finding("env.proxy", "env", "info", "upstream requests go through HTTPS_PROXY=http://p:1"),
  ],
  0,
);

describe("doctorText", () => {
  test("problems with their fix; passing checks only for agents and the database", () => {
    const text = doctorText(report, { color: false, verbose: false });
    expect(text.split("\n")).toEqual([
      "ok agents   Codex CLI 0.169.0 (bundled)",
      "XX files    /h/auth.json is 0644: everyone can read it (want 0600)",
      "            → chmod 600 /h/auth.json",
      "-- env      upstream requests go through HTTPS_PROXY=http://p:1",
      "",
      "problems found: 1 error(s), 0 warning(s), 1 note(s), 2 ok",
    ]);
  });

  test("--verbose lists every passing check", () => {
    expect(doctorText(report, { color: false, verbose: true })).toContain(
      "ok files    PRODEX_HOME and database: 3 path(s) private",
    );
  });
});
