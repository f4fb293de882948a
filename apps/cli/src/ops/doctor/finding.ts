import type { Area, DoctorJson, Finding, Severity } from "../../output/schemas/doctor.ts";

export type { Area, Finding, Severity };

export function finding(id: string, area: Area, severity: Severity, message: string, fix: string | null = null, at: { profile?: string; path?: string } = {}): Finding {
  return { id, area, severity, message, fix, profile: at.profile ?? null, path: at.path ?? null };
}

/**
 * 0 without an error-level finding; else 4 when one concerns local state (files, database),
 * else 3 (auth or upstream), else 1.
 */
export function doctorExitCode(findings: Finding[]): number {
  const errors = findings.filter((f) => f.severity === "error");
  if (errors.length === 0) return 0;
  if (errors.some((f) => f.area === "files" || f.area === "database")) return 4;
  if (errors.some((f) => f.area === "auth" || f.area === "network")) return 3;
  return 1;
}

export function doctorJson(findings: Finding[], now: number): DoctorJson {
  const counts = { ok: 0, info: 0, warn: 0, error: 0 };
  for (const f of findings) counts[f.severity]++;
  const exitCode = doctorExitCode(findings);
  return { schema: "prodex.doctor/v1", generatedAt: new Date(now).toISOString(), ok: exitCode === 0, exitCode, counts, findings };
}
