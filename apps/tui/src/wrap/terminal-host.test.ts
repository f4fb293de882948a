import { EventEmitter } from "node:events";
import { describe, expect, test } from "bun:test";
import { TerminalHost } from "./terminal-host.ts";

class In extends EventEmitter {
  isTTY = true;
  raw: boolean[] = [];
  setRawMode(m: boolean) {
    this.raw.push(m);
  }
  resume() {}
  pause() {}
}
class Out extends EventEmitter {
  columns = 100;
  rows = 30;
  written = "";
  write(s: string) {
    this.written += s;
    return true;
  }
}

describe("TerminalHost", () => {
  test("probe reads the terminal's colours and keeps keys typed meanwhile", async () => {
    const input = new In();
    const output = new Out();
    const host = new TerminalHost(input, output);
    const probing = host.probe(2000);
    expect(output.written).toBe("\x1b]10;?\x1b\\\x1b]11;?\x1b\\\x1b[c");
    input.emit("data", Buffer.from("ab\x1b]10;rgb:ffff/ffff/ffff\x1b\\\x1b]11;rgb:1e1e/1e1e/2e2e"));
    input.emit("data", Buffer.from("\x1b\\c\x1b[?62;22c"));
    const { colors, typed } = await probing;
    expect(colors).toEqual({ fg: "rgb:ffff/ffff/ffff", bg: "rgb:1e1e/1e1e/2e2e", terminator: "\x1b\\" });
    expect(Buffer.from(typed).toString()).toBe("abc");
    host.stop();
    expect(input.raw).toEqual([true, false]);
  });

  test("a terminal that does not answer: the probe times out; late replies are kept from the agent", async () => {
    const input = new In();
    const host = new TerminalHost(input, new Out());
    const { colors, typed } = await host.probe(20);
    expect(colors.fg).toBeUndefined();
    expect(typed.length).toBe(0);
    const got: string[] = [];
    host.start(
      (b) => got.push(Buffer.from(b).toString()),
      () => {},
    );
    input.emit("data", Buffer.from("\x1b]11;rgb:0/0/0\x07x\x1b[?1;2c"));
    expect(got).toEqual(["x"]);
    host.stop();
  });

  test("start saves the title (the alternate screen is Ink's); stop turns every mode off once, whatever the order of calls", () => {
    const input = new In();
    const output = new Out();
    const host = new TerminalHost(input, output);
    host.start(
      () => {},
      () => {},
    );
    expect(output.written).toBe("\x1b[22;0t");
    host.stop();
    host.stop();
    expect(output.written.match(/\x1b\[23;0t/g)).toHaveLength(1);
    expect(output.written).toContain("\x1b[?2004l\x1b[?1000l");
    expect(output.written.endsWith("\x1b[?25h\x1b[23;0t")).toBe(true);
    expect(input.raw).toEqual([true, false]);
    expect(input.listenerCount("data")).toBe(0);
    expect(output.listenerCount("resize")).toBe(0);
    expect(host.size()).toEqual({ cols: 100, rows: 30 });
  });
});
