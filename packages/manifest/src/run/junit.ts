import { XMLParser } from "fast-xml-parser";
import { type JsonRecord, isRecord } from "@prodex/guards";

export type CaseStatus = "passed" | "failed" | "skipped";
export type CaseResult = { file: string; name: string; status: CaseStatus; ms: number; message?: string };
export type JunitReport = { cases: CaseResult[]; fileMs: Map<string, number> };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseAttributeValue: false,
  parseTagValue: false,
  // Bun writes newlines in failure messages as &#10;.
  htmlEntities: true,
  isArray: (name) => name === "testsuite" || name === "testcase",
});

function list(v: unknown): JsonRecord[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

function str(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : "";
}

function seconds(v: unknown): number {
  const n = Number.parseFloat(str(v));
  return Number.isFinite(n) ? n * 1000 : 0;
}

/**
 * Reads Bun's JUnit report. A test left out by the job's own `-t` pattern shows up as
 * `<skipped/>` there; `pattern` lets those drop out instead of counting as skipped.
 */
export function parseJunit(xml: string, pattern?: string): JunitReport {
  const doc: unknown = parser.parse(xml);
  const root = isRecord(doc) && isRecord(doc.testsuites) ? doc.testsuites : undefined;
  const re = pattern !== undefined ? new RegExp(pattern) : undefined;
  const cases: CaseResult[] = [];
  const fileMs = new Map<string, number>();

  const walk = (suite: JsonRecord, file: string, path: readonly string[]): void => {
    for (const tc of list(suite.testcase)) {
      const name = [...path, str(tc.name)].join(" ");
      const failure = tc.failure ?? tc.error;
      const skipped = tc.skipped !== undefined;
      if (skipped && re && !re.test(name)) continue;
      const status: CaseStatus = failure !== undefined ? "failed" : skipped ? "skipped" : "passed";
      const message = isRecord(failure) ? str(failure.message) : typeof failure === "string" ? failure : undefined;
      cases.push({ file, name, status, ms: seconds(tc.time), ...(message ? { message } : {}) });
    }
    for (const inner of list(suite.testsuite)) walk(inner, file, [...path, str(inner.name)]);
  };

  for (const fileSuite of list(root?.testsuite)) {
    const file = str(fileSuite.file) || str(fileSuite.name);
    fileMs.set(file, (fileMs.get(file) ?? 0) + seconds(fileSuite.time));
    walk(fileSuite, file, []);
  }
  return { cases, fileMs };
}

export type Counts = { passed: number; failed: number; skipped: number };

export function countCases(cases: readonly CaseResult[]): Counts {
  const c: Counts = { passed: 0, failed: 0, skipped: 0 };
  for (const x of cases) c[x.status]++;
  return c;
}

/**
 * Bun's console totals (` 3 fail`, ` 1 error`). They also count files that failed to load,
 * which the JUnit report leaves out.
 */
export function consoleTotals(output: string): { fail: number; error: number } {
  const num = (word: string): number => {
    let n = 0;
    for (const m of output.matchAll(new RegExp(`^\\s*(\\d+) ${word}$`, "gm"))) n += Number(m[1]);
    return n;
  };
  return { fail: num("fail"), error: num("errors?") };
}

export function addCounts(a: Counts, b: Counts): Counts {
  return { passed: a.passed + b.passed, failed: a.failed + b.failed, skipped: a.skipped + b.skipped };
}

export const zero: Counts = { passed: 0, failed: 0, skipped: 0 };
