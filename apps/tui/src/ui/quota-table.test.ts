import { describe, expect, test } from "bun:test";
import type { ProfileView } from "@prodex/core/types";
import { lineText } from "./lines.ts";
import { quotaTableLines, type QuotaTableProps } from "./quota-table.ts";
import { sampleProfile, sampleSnapshot } from "./fixtures.ts";

const now = new Date(2025, 5, 1, 12, 0, 0).getTime();
const profiles = sampleSnapshot(now).profiles;

/** The table's rows as text, trailing padding cut. */
const renderQuotaTable = (ps: ProfileView[], o: Omit<QuotaTableProps, "profiles"> = {}) =>
  quotaTableLines({ profiles: ps, width: 100, ...o })
    .map((l) => lineText(l).trimEnd())
    .join("\n");

describe("quotaTableLines", () => {
  test("plain text: header, one row per profile, statuses, bars, resets; no escapes, no trailing spaces", () => {
    const out = renderQuotaTable(profiles, { now, width: 100 });
    const rows = out.split("\n");
    expect(rows[0]).toMatch(/^ {2}PROFILE\s+STATUS\s+5H USED\s+WEEKLY USED$/);
    expect(rows[1]).toMatch(/^▸ work\s+● Ready\s+█+[▏▎▍▌▋▊▉]?░+\s+62%\s+2h 13m █+.*17%\s+4d 2h$/);
    expect(rows[2]).toMatch(/personal\s+◐ Thin\s+.*86%\s+41m/);
    expect(rows[3]).toMatch(/backup\s+○ Exhausted\s+█+ 100%\s+3m 12s/);
    expect(rows[4]).toMatch(/old\s+✗ Needs login\s+—/);
    expect(out).not.toContain("\x1b");
    for (const r of rows) {
      expect(r).toBe(r.trimEnd());
      expect(Bun.stringWidth(r)).toBeLessThanOrEqual(100);
    }
  });

  test("detail adds plan, traffic, latency and notes", () => {
    const out = renderQuotaTable(profiles, { now, width: 150, detail: true });
    expect(out.split("\n")[0]).toMatch(/PLAN\s+REQS\s+ERR\s+LAT\s+EMAIL \/ NOTE$/);
    expect(out).toMatch(/work .* plus\s+142\s+1\s+640ms\s+work@example.com/);
    // Availability's words (core pool/account-status.ts), as `prodex quota --json` and the proxy's errors say them.
    expect(out).toMatch(/backup .* back in 3m 12s: usage limit/);
    expect(out).toMatch(/old .* needs login: prodex login old/);
  });

  test("ascii is 7-bit; colour is a hue on the segment, none without colour", () => {
    expect(/^[\x20-\x7e\n]*$/.test(renderQuotaTable(profiles, { now, ascii: true }))).toBe(true);
    const hues = (color: boolean) =>
      quotaTableLines({ profiles, now, color }).flatMap((l) => l.map((s) => s.hue).filter(Boolean));
    expect(hues(true)).toContain("green");
    expect(hues(false)).toEqual([]);
    expect(renderQuotaTable(profiles, { now, color: true })).toBe(renderQuotaTable(profiles, { now, color: false }));
  });

  test("no profiles", () => {
    expect(renderQuotaTable([], { now })).toContain("no profiles yet: prodex login <name>");
  });

  test("long names are cut, not allowed to break the columns", () => {
    const out = renderQuotaTable([sampleProfile({ name: "a-very-long-profile-name-indeed" }, now)], {
      now,
      width: 100,
    });
    expect(out.split("\n")[1]).toMatch(/^ {2}a-very-long-profil…\s+● Ready/);
  });
});
