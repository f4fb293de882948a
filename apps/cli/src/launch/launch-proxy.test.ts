import { describe, expect, test } from "bun:test";
import { brokerCommand, useBroker } from "./launch-proxy.ts";

describe("brokerCommand", () => {
  const up = "http://127.0.0.1:5/backend-api";
  test.each([
    [
      "from source: bun + the entry script",
      { execPath: "/usr/bin/bun", argv: ["bun", "/repo/apps/cli/src/main.ts", "exec"], compiled: false },
      ["/usr/bin/bun", "/repo/apps/cli/src/main.ts", "__broker", "--upstream", up],
    ],
    [
      "the npm bin under Bun",
      { execPath: "/usr/bin/bun", argv: ["bun", "/n/prodex/bin/prodex.js", "run"], compiled: false },
      ["/usr/bin/bun", "/n/prodex/bin/prodex.js", "__broker", "--upstream", up],
    ],
    [
      "the compiled binary runs itself",
      { execPath: "/usr/local/bin/prodex", argv: ["bun", "/$bunfs/root/prodex", "exec"], compiled: true },
      ["/usr/local/bin/prodex", "__broker", "--upstream", up],
    ],
  ] as const)("%s", (_, self, want) => expect(brokerCommand(up, { ...self, argv: [...self.argv] })).toEqual([...want]));
});

describe("useBroker", () => {
  test.each([
    [undefined, true],
    ["1", true],
    ["", true],
    ["0", false],
    ["off", false],
    [" FALSE ", false],
    ["no", false],
  ])("PRODEX_BROKER=%p → %p", (value, want) => expect(useBroker({ PRODEX_BROKER: value })).toBe(want));
});
