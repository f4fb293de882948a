import { describe, expect, test } from "bun:test";
import { decodeSignature, encodeSignature } from "./signature.ts";

describe("signature", () => {
  test("round trip", () => {
    expect(decodeSignature(encodeSignature("gAAAAB_x-y==", "p-1"))).toEqual({
      owner: "p-1",
      encrypted: "gAAAAB_x-y==",
    });
    expect(decodeSignature(encodeSignature("enc"))).toEqual({ owner: "", encrypted: "enc" });
  });
  test("owners outside the alphabet are blanked", () => {
    expect(encodeSignature("enc", "a:b")).toBe("prodex:v1::enc");
  });
  const foreign: [string, string | null | undefined][] = [
    ["Anthropic-style base64", "bW9jay1zaWduYXR1cmU="],
    ["empty", ""],
    ["null", null],
    ["undefined", undefined],
    ["prefix only", "prodex:v1:"],
    ["no encrypted part", "prodex:v1:owner:"],
    ["bad owner", "prodex:v1:a b:enc"],
    ["other version", "prodex:v2::enc"],
  ];
  for (const [name, sig] of foreign) test(`foreign: ${name}`, () => expect(decodeSignature(sig)).toBeNull());
});
