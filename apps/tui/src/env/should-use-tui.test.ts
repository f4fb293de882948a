import { describe, expect, test } from "bun:test";
import { shouldUseTui } from "./should-use-tui.ts";

const tty = { isTTY: true };

describe("shouldUseTui", () => {
  const cases: [string, Record<string, string>, { isTTY?: boolean }, boolean][] = [
    ["interactive terminal", { TERM: "xterm-256color" }, tty, true],
    ["piped stdout", {}, { isTTY: false }, false],
    ["stdout without isTTY", {}, {}, false],
    ["CI=true", { CI: "true" }, tty, false],
    ["CI=1", { CI: "1" }, tty, false],
    ["CI=false does not count", { CI: "false" }, tty, true],
    ["PRODEX_TUI=0", { PRODEX_TUI: "0" }, tty, false],
    ["PRODEX_TUI=off", { PRODEX_TUI: "off" }, tty, false],
    ["PRODEX_TUI=1", { PRODEX_TUI: "1" }, tty, true],
    ["TERM=dumb", { TERM: "dumb" }, tty, false],
  ];
  for (const [name, env, out, want] of cases) test(name, () => expect(shouldUseTui(env, out)).toBe(want));
});
