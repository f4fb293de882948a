import { expect, test } from "bun:test";
import { quotaRow } from "@prodex/core";
import { lineText } from "./lines.ts";
import { quotaTableLines } from "./quota-table.ts";
import { sampleSnapshot } from "./fixtures.ts";

// The terminal's quota table says what the quota row model says (core quota-row.ts), the same
// words `prodex quota` prints in a pipe: percent used, the reset, the status.
const now = new Date(2025, 5, 1, 12, 0, 0).getTime();

test.each(sampleSnapshot(now).profiles.map((p) => [p.name, p] as const))(
  "%s: the row shows the model's cells",
  (_, p) => {
    const row = quotaRow(p, now);
    const line = lineText(quotaTableLines({ profiles: [p], now, width: 120 })[1] ?? []);
    for (const cell of [row.fiveHour, row.weekly]) {
      if (!cell) continue;
      expect(line).toContain(`${Math.round(cell.usedPercent)}%`);
      expect(line).toContain(cell.reset || "—");
    }
    if (!row.needsLogin) expect(line).toContain(row.statusText);
  },
);

test("a window whose reset has passed reads 0% used and 'now', as in the pipe", () => {
  const [p] = sampleSnapshot(now).profiles;
  if (!p) throw new Error("no sample profile");
  const passed = { ...p, windows: p.windows.map((w) => ({ ...w, usedPercent: 100, resetAt: now - 1 })) };
  const line = lineText(quotaTableLines({ profiles: [passed], now, width: 120 })[1] ?? []);
  expect(line).toMatch(/ 0%\s+now/);
  expect(quotaRow(passed, now).fiveHour).toMatchObject({ usedPercent: 0, reset: "now" });
});
