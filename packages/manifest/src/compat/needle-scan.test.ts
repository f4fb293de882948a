import { describe, expect, test } from "bun:test";
import { bothEnds, findNeedles, headerVariants } from "./needle-scan.ts";

describe("findNeedles", () => {
  const text = `${"x".repeat(50)}needle-one${"y".repeat(40)}X-Split-Header${"z".repeat(60)}tail-end`;
  const blob = new Blob([text]);

  test("finds groups by any variant, including across chunk boundaries", async () => {
    // 16-byte chunks cut every needle somewhere.
    const found = await findNeedles(
      blob,
      [["needle-one"], ["x-split-header", "X-Split-Header"], ["tail-end"], ["absent"]],
      16,
    );
    expect(found).toEqual([true, true, true, false]);
  });

  test("whole-file chunk and empty input", async () => {
    expect(await findNeedles(blob, [["needle-one"]], 1 << 20)).toEqual([true]);
    expect(await findNeedles(new Blob([]), [["a"]], 8)).toEqual([false]);
  });

  test("multi-byte needles", async () => {
    expect(await findNeedles(new Blob(["…→ré"]), [["→r"]], 2)).toEqual([true]);
  });
});

describe("bothEnds", () => {
  test("visits from both ends inwards", () => {
    expect(bothEnds(5)).toEqual([4, 0, 3, 1, 2]);
    expect(bothEnds(4)).toEqual([3, 0, 2, 1]);
    expect(bothEnds(1)).toEqual([0]);
    expect(bothEnds(0)).toEqual([]);
  });
});

describe("headerVariants", () => {
  test("as written, lower-case and Title-Case", () => {
    expect(headerVariants("x-claude-code-session-id")).toEqual([
      "x-claude-code-session-id",
      "X-Claude-Code-Session-Id",
    ]);
    expect(headerVariants("Anthropic-Version")).toEqual(["Anthropic-Version", "anthropic-version"]);
  });
});
