import { expect, test } from "bun:test";
import { Terminal } from "@xterm/headless";
import { Attr, RGB_FLAG, Screen } from "./screen.ts";
import { blitXterm } from "./xterm-cells.ts";
import { diffScreens } from "./diff.ts";

const write = (t: Terminal, s: string) => new Promise<void>((r) => t.write(s, r));

test("blitXterm copies text, colours, attributes and wide cells into a region", async () => {
  const t = new Terminal({ cols: 10, rows: 3, allowProposedApi: true });
  await write(t, "\x1b[1;31mre\x1b[0md\x1b[38;2;1;2;3mX\x1b[0m界\r\n\x1b[7minv");
  const s = new Screen(14, 4);
  s.fill(0, 0, 14, 4, "#");
  blitXterm(s, t.buffer.active, t.buffer.active.viewportY, 2, 1, 10, 3);
  expect(s.rowText(0)).toBe("##############");
  expect(s.rowText(1)).toBe("##redX界    ##"); // the wide tail cell holds ""
  expect(s.rowText(2).slice(2, 5)).toBe("inv");
  const i = 1 * 14 + 2;
  expect(s.fg[i]).toBe(1);
  expect(s.attrs[i]).toBe(Attr.bold);
  expect(s.fg[i + 2]).toBe(-1);
  expect(s.fg[i + 3]).toBe(RGB_FLAG | 0x010203);
  expect(s.width[i + 4]).toBe(2);
  expect(s.attrs[2 * 14 + 2]).toBe(Attr.inverse);
  t.dispose();
});

test("a screen read from xterm round-trips through diffScreens into an identical emulator", async () => {
  const src = new Terminal({ cols: 20, rows: 4, allowProposedApi: true });
  await write(src, "\x1b[44m blue bg \x1b[0m\r\n\x1b[4;93munder\x1b[0m ok\r\n\x1b[38;5;208morange");
  const a = new Screen(20, 4);
  blitXterm(a, src.buffer.active, 0, 0, 0, 20, 4);
  const dst = new Terminal({ cols: 20, rows: 4, allowProposedApi: true });
  await write(dst, diffScreens(null, a));
  const b = new Screen(20, 4);
  blitXterm(b, dst.buffer.active, 0, 0, 0, 20, 4);
  expect(diffScreens(a, b)).toBe("");
  src.dispose();
  dst.dispose();
});
