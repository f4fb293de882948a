import { describe, expect, test } from "bun:test";
import { Terminal } from "@xterm/headless";
import { diffScreens } from "./diff.ts";
import { Presenter } from "./present.ts";
import { Attr, Screen } from "./screen.ts";

function screenOf(lines: string[], cols: number): Screen {
  const s = new Screen(cols, lines.length);
  for (const [y, line] of lines.entries()) for (const [x, ch] of [...line].entries()) s.set(x, y, ch, 1);
  return s;
}

/** Apply bytes to a real emulator that already shows `base`, and read its text back. */
async function apply(base: Screen, bytes: string): Promise<string[]> {
  const t = new Terminal({ cols: base.cols, rows: base.rows, allowProposedApi: true });
  await new Promise<void>((r) => t.write(diffScreens(null, base) + bytes, r));
  const out: string[] = [];
  for (let y = 0; y < base.rows; y++) out.push(t.buffer.active.getLine(y)?.translateToString(true) ?? "");
  t.dispose();
  return out;
}

/** Cells a byte string writes to, found by replaying it on a cursor model (CUP + printable chars). */
function touched(bytes: string): string[] {
  const cells: string[] = [];
  let x = 0;
  let y = 0;
  const re = /\x1b\[(\d+);(\d+)H|\x1b\[[\d;?]*[a-zA-Z]|([^\x1b])/gu;
  for (const m of bytes.matchAll(re)) {
    if (m[1] && m[2]) {
      y = Number(m[1]) - 1;
      x = Number(m[2]) - 1;
    } else if (m[3]) {
      cells.push(`${x},${y}`);
      x += Bun.stringWidth(m[3]) || 1;
    }
  }
  return cells;
}

describe("diffScreens", () => {
  const before = ["hello world", "second line", "third line."];

  test("identical frames write nothing", () => {
    expect(diffScreens(screenOf(before, 12), screenOf(before, 12))).toBe("");
  });

  test("only changed cells are written", async () => {
    const a = screenOf(before, 12);
    const b = screenOf(["hello World", "second line", "third LINE."], 12);
    const bytes = diffScreens(a, b);
    expect(touched(bytes).sort()).toEqual(["6,0", "6,2", "7,2", "8,2", "9,2"].sort());
    expect(await apply(a, bytes)).toEqual(["hello World", "second line", "third LINE."]);
  });

  test("style-only changes are written with their SGR", () => {
    const a = screenOf(before, 12);
    const b = screenOf(before, 12);
    b.set(0, 1, "s", 1, { fg: 2, bg: -1, attrs: Attr.bold });
    const bytes = diffScreens(a, b);
    expect(touched(bytes)).toEqual(["0,1"]);
    expect(bytes).toContain("\x1b[0;1;32m");
  });

  test("resize means a full repaint", () => {
    const a = screenOf(before, 12);
    const b = screenOf(["hello world", "second line", "third line.", ""], 12);
    const bytes = diffScreens(a, b);
    expect(bytes.startsWith("\x1b[0m\x1b[H\x1b[2J")).toBe(true);
    expect(touched(bytes)).toHaveLength("helloworld".length + "secondline".length + "thirdline.".length);
  });

  test("wide glyphs are redrawn whole, and what they covered is repainted", async () => {
    const a = screenOf(["abcdef"], 6);
    const b = screenOf(["abcdef"], 6);
    b.set(2, 0, "界", 2);
    b.set(3, 0, "", 0);
    const ab = diffScreens(a, b);
    expect(touched(ab)).toEqual(["2,0"]);
    expect(await apply(a, ab)).toEqual(["ab界ef"]);
    // Replacing only the tail half still repaints the head position.
    const c = screenOf(["abXdef"], 6);
    c.set(3, 0, "Y", 1);
    const bc = diffScreens(b, c);
    expect(touched(bc).sort()).toEqual(["2,0", "3,0"]);
    expect(await apply(b, bc)).toEqual(["abXYef"]);
  });
});

describe("Presenter", () => {
  test("wraps changes in a synchronized update and places the cursor", () => {
    const p = new Presenter();
    const first = p.frame(screenOf(["ab"], 4), { x: 2, y: 0, visible: true });
    expect(first.startsWith("\x1b[?2026h")).toBe(true);
    expect(first.endsWith("\x1b[1;3H\x1b[?25h\x1b[?2026l")).toBe(true);
    // Same content, cursor moved: only the cursor is addressed.
    expect(p.frame(screenOf(["ab"], 4), { x: 1, y: 0, visible: true })).toBe("\x1b[1;2H");
    expect(p.frame(screenOf(["ab"], 4), { x: 1, y: 0, visible: false })).toBe("\x1b[?25l");
    expect(p.frame(screenOf(["ab"], 4), { x: 1, y: 0, visible: false })).toBe("");
    p.invalidate();
    expect(p.frame(screenOf(["ab"], 4), { x: 1, y: 0, visible: false })).toContain("\x1b[2J");
  });
});

test("Presenter.canvas alternates two cleared buffers without breaking the diff", () => {
  const p = new Presenter();
  const a = p.canvas(4, 1);
  a.set(0, 0, "x", 1);
  p.frame(a, { x: 0, y: 0, visible: false });
  const b = p.canvas(4, 1);
  expect(b).not.toBe(a);
  b.set(1, 0, "y", 1);
  expect(touched(p.frame(b, { x: 0, y: 0, visible: false })).sort()).toEqual(["0,0", "1,0"]);
  const c = p.canvas(4, 1);
  expect(c).toBe(a); // recycled…
  expect(c.rowText(0)).toBe("    "); // …and blank
  expect(p.canvas(5, 1).cols).toBe(5); // a new size gets a new buffer
});
