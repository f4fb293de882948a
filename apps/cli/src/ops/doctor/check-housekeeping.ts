import { type CleanupScan, planCleanup } from "../cleanup/cleanup-plan.ts";
import { type Finding, finding } from "./finding.ts";

/** What `prodex cleanup` would do, as findings: stale logs, dead registrations, orphaned homes. */
export function checkHousekeeping(scan: CleanupScan, logDir: string): Finding[] {
  const actions = planCleanup(scan, { force: false });
  const out: Finding[] = [];
  const logs = actions.filter((a) => a.kind === "runtime-log");
  if (logs.length) {
    const mb = logs.reduce((s, a) => s + (a.bytes ?? 0), 0) / 1e6;
    out.push(
      finding(
        "logs.stale",
        "logs",
        "info",
        `${logs.length} stale runtime log(s) (${mb.toFixed(1)} MB) in ${logDir}`,
        "prodex cleanup",
        { path: logDir },
      ),
    );
  }
  const homes = actions.filter((a) => a.kind === "login-home");
  if (homes.length)
    out.push(
      finding("logs.login-homes", "logs", "info", `${homes.length} leftover temporary login home(s)`, "prodex cleanup"),
    );
  const dead = actions.filter((a) => a.kind === "runtime");
  if (dead.length)
    out.push(
      finding(
        "logs.dead-runtimes",
        "logs",
        "warn",
        `${dead.length} registered prodex process(es) are gone: ${dead.map((a) => a.target).join(", ")}`,
        "prodex cleanup",
      ),
    );
  for (const o of actions.filter((a) => a.kind === "orphan-home")) {
    out.push(
      finding(
        "logs.orphan-home",
        "logs",
        "warn",
        `${o.target}: ${o.remove ? "a managed home no profile uses" : "holds a login but no profile uses it"}`,
        o.remove ? "prodex cleanup" : o.reason,
        { path: o.target },
      ),
    );
  }
  return out.length
    ? out
    : [finding("logs.clean", "logs", "ok", "no stale runtime logs, registrations or orphaned homes")];
}
