import pc from "picocolors";
import type { DoctorJson } from "./schemas/doctor.ts";

/** One line per finding (mark, area, message) and its fix indented below. */
export function doctorText(report: DoctorJson, o: { color: boolean; verbose: boolean }): string {
  const paint = pc.createColors(o.color);
  const mark = { ok: paint.green("ok"), info: paint.cyan("--"), warn: paint.yellow("!!"), error: paint.red("XX") };
  const lines: string[] = [];
  for (const f of report.findings) {
    if (f.severity === "ok" && !o.verbose && f.area !== "agents" && f.area !== "database") continue;
    lines.push(`${mark[f.severity]} ${f.area.padEnd(8)} ${f.message}`);
    if (f.fix) lines.push(`   ${" ".repeat(8)} → ${f.fix}`);
  }
  const c = report.counts;
  const summary = `${c.error} error(s), ${c.warn} warning(s), ${c.info} note(s), ${c.ok} ok`;
  lines.push("", report.ok ? paint.green(`no problems found: ${summary}`) : paint.red(`problems found: ${summary}`));
  return lines.join("\n");
}
