import { expect, test } from "bun:test";
import { encryptFor, foreignContent, ownerOf } from "./encrypted.ts";

test("encrypted content names its account and is unique per call", () => {
  const a = encryptFor("acct-1");
  expect(ownerOf(a)).toBe("acct-1");
  expect(Buffer.from(a, "base64").toString()).toStartWith("mock-enc:acct-1:");
  expect(encryptFor("acct-1")).not.toBe(a);
});

test("foreignContent finds reasoning or compaction items of another account only", () => {
  const input = [
    { type: "reasoning", id: "rs_1", encrypted_content: encryptFor("acct-1") },
    { type: "compaction", id: "cmp_1", encrypted_content: "mock-encrypted-compaction-blob" },
    { type: "message", encrypted_content: encryptFor("acct-2") },
  ];
  expect(foreignContent(input, "acct-1")).toBeNull();
  expect(foreignContent(input, "acct-2")).toEqual({ itemId: "rs_1", owner: "acct-1" });
  expect(
    foreignContent([{ type: "compaction", id: "cmp_9", encrypted_content: encryptFor("acct-3") }], "acct-1"),
  ).toEqual({ itemId: "cmp_9", owner: "acct-3" });
});
