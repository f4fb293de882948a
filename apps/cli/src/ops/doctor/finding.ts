import { LocalStateError, type ProdexError, UpstreamError, UsageError } from "@prodex/core";
import type { Area, DoctorJson, Finding, Severity } from "../../output/schemas/doctor.ts";

export type { Area, Finding, Severity };

export function finding(
  id: string,
  area: Area,
  severity: Severity,
  message: string,
  fix: string | null = null,
  at: { profile?: string; path?: string } = {},
): Finding {
  return { id, area, severity, message, fix, profile: at.profile ?? null, path: at.path ?? null };
}

/**
 * What `prodex doctor` ends with: null without an error-level finding; else a local-state error
 * (exit 4) when one concerns files or the database, an upstream error (3) for auth or the
 * network, else a usage error (1).
 */
export function doctorFailure(findings: Finding[]): ProdexError | null {
  const errors = findings.filter((f) => f.severity === "error");
  if (errors.length === 0) return null;
  const message = `doctor found ${errors.length === 1 ? "1 problem" : `${errors.length} problems`} to fix`;
  const hint = "each is listed with its fix";
  if (errors.some((f) => f.area === "files" || f.area === "database")) return new LocalStateError(message, hint);
  if (errors.some((f) => f.area === "auth" || f.area === "network")) return new UpstreamError(message, undefined, hint);
  return new UsageError(message, hint);
}

export function doctorExitCode(findings: Finding[]): number {
  return doctorFailure(findings)?.exitCode ?? 0;
}

export function doctorJson(findings: Finding[], now: number): DoctorJson {
  const counts = { ok: 0, info: 0, warn: 0, error: 0 };
  for (const f of findings) counts[f.severity]++;
  const exitCode = doctorExitCode(findings);
  return {
    schema: "prodex.doctor/v1",
    generatedAt: new Date(now).toISOString(),
    ok: exitCode === 0,
    exitCode,
    counts,
    findings,
  };
}
