import { existsSync } from "node:fs";
import { errorMessage } from "@prodex/core";
import { Store } from "@prodex/store";
import { type Finding, finding } from "./finding.ts";

/** Opens the database and runs SQLite's integrity check; a broken one is reported, never thrown. */
export function checkDatabase(path: string): { findings: Finding[]; usable: boolean } {
  if (!existsSync(path))
    return {
      findings: [
        finding(
          "database.missing",
          "database",
          "info",
          `no database yet at ${path}`,
          "it is created by the first prodex command that needs it",
          { path },
        ),
      ],
      usable: false,
    };
  const aside = `move it aside (mv ${path} ${path}.broken) and run prodex again for a fresh one, then re-add the profiles (prodex profile add NAME --codex-home DIR)`;
  let store: Store;
  try {
    store = Store.open(path, { busyTimeoutMs: 2_000 });
  } catch (e) {
    return {
      findings: [
        finding("database.open", "database", "error", `cannot open the database: ${errorMessage(e)}`, aside, { path }),
      ],
      usable: false,
    };
  }
  try {
    const problems = store.integrityCheck();
    if (problems.length === 0)
      return {
        findings: [
          finding("database.integrity", "database", "ok", `${path} passed its integrity check`, null, { path }),
        ],
        usable: true,
      };
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
    return {
      findings: [
        finding("database.integrity", "database", "error", `the database is damaged: ${problems[0]}${more}`, aside, {
          path,
        }),
      ],
      usable: false,
    };
  } catch (e) {
    return {
      findings: [
        finding(
          "database.integrity",
          "database",
          "error",
          `the database could not be checked: ${errorMessage(e)}`,
          aside,
          { path },
        ),
      ],
      usable: false,
    };
  } finally {
    store.close();
  }
}
