import { existsSync } from "node:fs";
import { type Context, readAuth } from "@prodex/core";
import { agentVersions } from "../../launch/agent-version.ts";
import { scanCleanup } from "../cleanup/cleanup-scan.ts";
import { checkAuth } from "./check-auth.ts";
import { checkDatabase } from "./check-database.ts";
import { checkProxyEnv } from "./check-env.ts";
import { checkHomeFiles, checkProfileFiles } from "./check-files.ts";
import { checkHousekeeping } from "./check-housekeeping.ts";
import { checkUpstream } from "./check-network.ts";
import { checkVersions } from "./check-versions.ts";
import type { Finding } from "./finding.ts";

export type DoctorOptions = { base: string; offline: boolean };

/**
 * Every check, in report order. Files are checked before the database is opened (opening it
 * tightens its mode); profile checks run only on a database that passed its integrity check.
 */
export async function runDoctor(ctx: Context, o: DoctorOptions): Promise<Finding[]> {
  const network = o.offline ? null : checkUpstream(o.base, ctx.fetch);
  const versions = agentVersions(ctx.env);
  const findings: Finding[] = [
    ...checkVersions(process.versions.bun ?? null, await versions),
    ...checkHomeFiles(ctx.paths),
  ];
  const db = checkDatabase(ctx.paths.db);
  findings.push(...db.findings);
  if (db.usable) {
    const rows = ctx.store.profiles.list();
    findings.push(
      ...checkProfileFiles(rows),
      ...checkAuth(
        rows.map((r) => ({
          name: r.name,
          kind: r.kind,
          codexHome: r.codexHome,
          homeExists: existsSync(r.codexHome),
          authState: r.authState,
          rowAccountId: r.accountId,
          auth: readAuth(r.codexHome),
        })),
        ctx.now(),
      ),
      ...checkHousekeeping(scanCleanup(ctx), ctx.paths.runtimeLogDir),
    );
  }
  findings.push(...checkProxyEnv(ctx.env));
  if (network) findings.push(await network);
  return findings;
}
