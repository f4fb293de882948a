// The pure parts of `compat:add`: the range a version makes, the e2e suites.
import { compareVersions } from "../../apps/cli/src/launch/version-order.ts";

type Ends = { oldest: string; newest: string };

export type Step = { label: string; cmd: string[] };

/** The e2e files that drive each real client (they run against apps/cli's pinned version). */
export const E2E_SUITES = {
  codex: [
    "tests/e2e/codex.test.ts",
    "tests/e2e/codex-ws.test.ts",
    "tests/e2e/serve.test.ts",
    "tests/e2e/pipeline.test.ts",
  ],
  claude: ["tests/e2e/claude.test.ts", "tests/e2e/pipeline.test.ts"],
} as const;

/** The range once `version` is in it: a newer one becomes the newest end, an older one the oldest. */
export function nextRange(range: Ends, version: string): Ends {
  if ((compareVersions(version, range.newest) ?? 0) > 0) return { oldest: range.oldest, newest: version };
  if ((compareVersions(version, range.oldest) ?? 0) < 0) return { oldest: version, newest: range.newest };
  return { oldest: range.oldest, newest: range.newest };
}
