import { expect, test } from "bun:test";
import { providerSwitchesIn, scanProviderSwitches } from "./provider-switches.ts";

// Shapes as they appear in the Claude Code 2.1.197 and 2.1.332 bundles.
test.each([
  [
    "the routing list's leading run",
    'x=["CLAUDE_CODE_USE_BEDROCK","CLAUDE_CODE_USE_VERTEX","CLAUDE_CODE_USE_GATEWAY","ANTHROPIC_FOUNDRY_RESOURCE"]',
    ["BEDROCK", "GATEWAY", "VERTEX"],
  ],
  [
    "the provider pick (2.1.197)",
    'ct(process.env.CLAUDE_CODE_USE_FOUNDRY)?"foundry":ct(process.env.CLAUDE_CODE_USE_MANTLE)?"mantle"',
    ["FOUNDRY", "MANTLE"],
  ],
  [
    "the provider pick (2.1.332)",
    's.CLAUDE_CODE_USE_ANTHROPIC_GOOGLE_CLOUD?"anthropicGoogleCloud":"firstParty"',
    ["ANTHROPIC_GOOGLE_CLOUD"],
  ],
  [
    "other CLAUDE_CODE_USE_* flags",
    'a=["CLAUDE_CODE_SUBAGENT_MODEL","CLAUDE_CODE_USE_BEDROCK","CLAUDE_CODE_USE_POWERSHELL_TOOL"];b=s.CLAUDE_CODE_USE_POWERSHELL_TOOL&&1;`CLAUDE_CODE_USE_`',
    [],
  ],
])("%s", (_, text, want) => {
  expect([...providerSwitchesIn(Buffer.from(text))].map((s) => s.replace("CLAUDE_CODE_USE_", "")).sort()).toEqual(want);
});

test("a switch cut by a chunk boundary is still found", async () => {
  const text = `${"x".repeat(100)}p.CLAUDE_CODE_USE_BEDROCK?"bedrock"${"y".repeat(100)}`;
  expect(await scanProviderSwitches(new Blob([text]), 110)).toEqual(["CLAUDE_CODE_USE_BEDROCK"]);
});
