import { eventKinds, printable } from "@prodex/core";
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

function stamp(at: number, now: number): string {
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, "0");
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  if (now - at < 20 * 3_600_000 && d.getDate() === new Date(now).getDate()) return time;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/** The longest event kind ("token.refresh_failed"), so the columns after it line up. */
const KIND_WIDTH = Math.max(...eventKinds.map((k) => k.length));

/** One timeline line: time, level, kind, profile, message. */
export function eventLineText(row: EventRow, o: { now: number; color: boolean }): string {
  const paint = pc.createColors(o.color);
  const level = row.level === "error" ? paint.red("ERROR") : row.level === "warn" ? paint.yellow("WARN ") : paint.dim("INFO ");
  return `${stamp(row.at, o.now)} ${level} ${printable(row.kind).padEnd(KIND_WIDTH)} ${printable(row.profileName ?? "-").padEnd(12)} ${printable(row.message)}`;
}
