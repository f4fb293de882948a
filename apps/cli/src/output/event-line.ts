import { eventKinds, formatStamp, printable } from "@prodex/core";
import pc from "picocolors";
import type { EventRow } from "@prodex/store";
import type { EventLineJson } from "./schemas/logs.ts";

export function eventLineJson(row: EventRow): EventLineJson {
  return {
    schema: "prodex.event/v1",
    id: row.id,
    at: new Date(row.at).toISOString(),
    kind: row.kind,
    level: row.level,
    profile: row.profileName,
    message: row.message,
    data: row.data ?? null,
    pid: row.pid,
    source: row.source,
  };
}

/** The longest event kind ("token.refresh_failed"), so the columns after it line up. */
const KIND_WIDTH = Math.max(...eventKinds.map((k) => k.length));

/** One timeline line: time, level, kind, profile, message. */
export function eventLineText(row: EventRow, o: { now: number; color: boolean }): string {
  const paint = pc.createColors(o.color);
  const level =
    row.level === "error" ? paint.red("ERROR") : row.level === "warn" ? paint.yellow("WARN ") : paint.dim("INFO ");
  return `${formatStamp(row.at, o.now)} ${level} ${printable(row.kind).padEnd(KIND_WIDTH)} ${printable(row.profileName ?? "-").padEnd(12)} ${printable(row.message)}`;
}
