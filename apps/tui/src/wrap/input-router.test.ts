import { describe, expect, test } from "bun:test";
import { InputRouter } from "./input-router.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const hex = (parts: Uint8Array[]) => parts.map((p) => Buffer.from(p).toString("hex")).join("");
const P = "\x1d";

describe("InputRouter", () => {
  test("plain input passes through as the same bytes", () => {
    const r = new InputRouter(0x1d);
    const chunk = enc("ls -la\r\x03\x1b[A\x1b[1;5C");
    const out = r.route(chunk);
    expect(out.agent).toHaveLength(1);
    expect(out.agent[0]).toBe(chunk);
    expect(out.commands).toEqual([]);
  });

  test("prefix + key becomes a command and surrounding bytes still reach the agent", () => {
    const r = new InputRouter(0x1d);
    const out = r.route(enc(`ab${P}dcd`));
    expect(hex(out.agent)).toBe(Buffer.from("abcd").toString("hex"));
    expect(out.commands).toEqual([{ type: "pool" }]);
  });

  test("prefix pressed twice sends it through", () => {
    const r = new InputRouter(0x1d);
    expect(hex(r.route(enc(P + P)).agent)).toBe("1d");
    expect(r.armed).toBe(false);
  });

  test("the prefix and its key may arrive in separate chunks", () => {
    const r = new InputRouter(0x1d);
    expect(r.route(enc(P))).toEqual({ agent: [], dashboard: [], commands: [] });
    expect(r.armed).toBe(true);
    expect(r.route(enc("q")).commands).toEqual([{ type: "quit" }]);
    expect(r.route(enc("q")).agent).toHaveLength(1);
  });

  test("multi-byte keys after the prefix are consumed whole", () => {
    const r = new InputRouter(0x1d);
    const out = r.route(enc(`${P}\x1b[5~x`));
    expect(out.commands).toEqual([{ type: "scroll" }]);
    expect(hex(out.agent)).toBe("78");
  });

  test("unknown keys after the prefix cancel and are swallowed", () => {
    const r = new InputRouter(0x1d);
    const out = r.route(enc(`${P}zY`));
    expect(out.commands).toEqual([{ type: "cancel" }]);
    expect(hex(out.agent)).toBe("59");
  });

  test("a bracketed paste passes through whole, prefix bytes included, across chunks", () => {
    const r = new InputRouter(0x1d);
    const a = enc(`\x1b[200~one${P}two`);
    const b = enc(`${P}three\x1b[201~`);
    const c = enc(`${P}a`);
    expect(hex(r.route(a).agent)).toBe(Buffer.from(a).toString("hex"));
    const rb = r.route(b);
    expect(hex(rb.agent)).toBe(Buffer.from(b).toString("hex"));
    expect(rb.commands).toEqual([]);
    expect(r.route(c).commands).toEqual([{ type: "autoRotate" }]);
  });

  test("in modal mode input goes to the dashboard, not the agent; the prefix still works", () => {
    const r = new InputRouter(0x1d);
    r.modal = true;
    const out = r.route(enc(`j\x1b[Bq${P}?`));
    expect(out.agent).toEqual([]);
    expect(hex(out.dashboard)).toBe(Buffer.from("j\x1b[Bq").toString("hex"));
    expect(out.commands).toEqual([{ type: "help" }]);
  });

  test("a custom prefix byte", () => {
    const r = new InputRouter(0x1c);
    expect(r.route(enc("\x1d")).agent).toHaveLength(1);
    expect(r.route(enc("\x1c?")).commands).toEqual([{ type: "help" }]);
  });
});
