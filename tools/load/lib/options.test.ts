import { describe, expect, test } from "bun:test";
import { parseOptions } from "./options.ts";

describe("load options", () => {
  test("a scenario with defaults", () => {
    expect(parseOptions(["--scenario", "baseline"])).toEqual({
      ok: true,
      options: {
        scenario: "baseline",
        requests: null,
        concurrency: null,
        durationSec: null,
        transport: "sse",
        quick: false,
        json: false,
      },
    });
  });

  test("every option", () => {
    const p = parseOptions([
      "-s",
      "abort-soak",
      "--requests",
      "500",
      "--concurrency",
      "16",
      "--duration",
      "2.5",
      "--transport",
      "ws",
      "--quick",
      "--json",
    ]);
    expect(p).toEqual({
      ok: true,
      options: {
        scenario: "abort-soak",
        requests: 500,
        concurrency: 16,
        durationSec: 2.5,
        transport: "ws",
        quick: true,
        json: true,
      },
    });
  });

  const bad: [string[], RegExp][] = [
    [[], /--scenario is required/],
    [["--scenario", "nope"], /unknown scenario "nope" \(one of baseline, /],
    [["--scenario", "baseline", "--requests", "0"], /--requests must be an integer >= 1, got "0"/],
    [["--scenario", "baseline", "--concurrency", "2.5"], /--concurrency must be an integer >= 1/],
    [["--scenario", "baseline", "--duration", "0"], /--duration must be a number of seconds > 0/],
    [["--scenario", "baseline", "--transport", "h2"], /--transport must be sse or ws, got "h2"/],
    [["--scenario", "slow-client", "--transport", "ws"], /slow-client reads over HTTP only/],
    [["--scenario", "baseline", "--bogus"], /bogus/],
  ];
  for (const [argv, message] of bad) {
    test(`refuses ${argv.join(" ") || "no arguments"}`, () => {
      const p = parseOptions(argv);
      expect(p.ok).toBe(false);
      if (!p.ok && !p.help) expect(p.message).toMatch(message);
      else throw new Error("expected a message");
    });
  }

  test("--help", () => {
    expect(parseOptions(["--help"])).toEqual({ ok: false, help: true });
  });
});
