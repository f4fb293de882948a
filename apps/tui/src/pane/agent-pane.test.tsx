// <AgentPane>: the agent's emulator drawn by Ink — colours as the agent set them, wide glyphs
// and emoji in the cells the emulator gave them, rows re-rendered only when they change.
import { beforeAll, describe, expect, test } from "bun:test";
import { render } from "ink-testing-library";
import { Terminal } from "@xterm/headless";
import { Unicode11Addon } from "@xterm/addon-unicode11";
import { enableStyles } from "../ui/components.tsx";
import { AgentPane } from "./agent-pane.tsx";
import { PaneSource } from "./pane-source.ts";
import { fitGlyph, paneRows } from "./pane-rows.ts";

beforeAll(() => enableStyles());

async function term(cols: number, rows: number, text: string): Promise<Terminal> {
  const t = new Terminal({ cols, rows, allowProposedApi: true });
  t.loadAddon(new Unicode11Addon());
  t.unicode.activeVersion = "11";
  await new Promise<void>((r) => t.write(text, r));
  return t;
}

const frameRows = (s: string | undefined) => Bun.stripANSI(s ?? "").split("\n");

describe("AgentPane", () => {
  test("colours pass through: 16, 256 and true colour, bold and underline", async () => {
    const t = await term(
      40,
      4,
      "\x1b[31mred\x1b[0m \x1b[38;5;200mpink\x1b[0m \x1b[38;2;1;2;3mrgb\x1b[0m \x1b[1;4mbu\x1b[0m",
    );
    const { lastFrame } = render(
      <AgentPane source={new PaneSource(t, () => false)} cols={40} rows={4} cursor={false} />,
    );
    const out = lastFrame() ?? "";
    expect(frameRows(out)[0]).toBe("red pink rgb bu");
    expect(out).toContain("\x1b[31m");
    expect(out).toMatch(/\x1b\[38;5;200m/);
    expect(out).toMatch(/\x1b\[38;2;1;2;3m/);
    expect(out).toMatch(/\x1b\[1m/);
    expect(out).toMatch(/\x1b\[4m/);
  });

  test("wide characters and emoji keep the row aligned: what follows them is where the agent put it", async () => {
    const lines = ["界界 wide|", "👍🏽 emoji|", "e\u0301 combining|", "🇫🇷 flag|", "\u2764\ufe0f heart|"];
    const t = await term(30, lines.length, lines.map((l, y) => `\x1b[${y + 1};1H${l}`).join(""));
    const { lastFrame } = render(
      <AgentPane source={new PaneSource(t, () => false)} cols={30} rows={lines.length} cursor={false} />,
    );
    const rows = frameRows(lastFrame());
    const buf = t.buffer.active;
    for (let y = 0; y < lines.length; y++) {
      const text = buf.getLine(y)?.translateToString(true) ?? "";
      // The column the emulator put "|" in (cells, counting a wide glyph as two).
      let col = 0;
      for (let x = 0; x < 30; x++) if (buf.getLine(y)?.getCell(x)?.getChars() === "|") col = x;
      const row = rows[y] ?? "";
      expect(Bun.stringWidth(row.slice(0, row.indexOf("|")))).toBe(col);
      expect(text).toContain("|");
    }
  });

  test("a glyph the terminal measures differently from the emulator is padded or replaced, never shifts the row", () => {
    expect(fitGlyph("a", 1)).toBe("a");
    expect(fitGlyph("界", 2)).toBe("界");
    expect(fitGlyph("a", 2)).toBe("a ");
    expect(Bun.stringWidth(fitGlyph("界", 1))).toBe(1);
  });

  test("a wide glyph cut by the right edge is a blank, not a spill", async () => {
    const t = await term(6, 1, "abcde界");
    const rows = paneRows(t.buffer.active, 0, 5, 1);
    expect(Bun.stringWidth(Bun.stripANSI(rows[0] ?? ""))).toBeLessThanOrEqual(5);
  });

  test("re-renders when the source publishes; scrolled back it shows older lines", async () => {
    const t = await term(20, 3, "one\r\ntwo\r\nthree\r\nfour");
    const source = new PaneSource(t, () => false);
    const view = render(<AgentPane source={source} cols={20} rows={3} cursor />);
    expect(frameRows(view.lastFrame())).toEqual(["two", "three", "four"]);
    await new Promise<void>((r) => t.write("\r\nfive", r));
    source.publish();
    await Bun.sleep(0);
    expect(frameRows(view.lastFrame())).toEqual(["three", "four", "five"]);
    view.rerender(<AgentPane source={source} cols={20} rows={3} top={0} cursor={false} />);
    expect(frameRows(view.lastFrame())).toEqual(["one", "two", "three"]);
  });

  test("only rows whose text changed are rebuilt", async () => {
    const t = await term(20, 3, "a\r\nb\r\nc");
    const cell = t.buffer.active.getNullCell();
    const before = paneRows(t.buffer.active, 0, 20, 3);
    await new Promise<void>((r) => t.write("\x1b[2;1Hx", r));
    const after = paneRows(t.buffer.active, 0, 20, 3);
    // Rows are memoised on this text: equal text, no re-render.
    expect(after.map((r, i) => r === before[i])).toEqual([true, false, true]);
    expect(cell).toBeDefined();
  });
});
