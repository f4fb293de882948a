import { describe, expect, test } from "bun:test";
import { encodeSignature } from "../anthropic/signature.ts";
import { OwnerTags, newestSignatureOwner, ownerTag } from "./anthropic-owner.ts";

describe("ownerTag", () => {
  test("depends on the account, not the profile name", () => {
    expect(ownerTag("acct-a", "p1")).toBe(ownerTag("acct-a", "renamed"));
    expect(ownerTag("acct-a", "p1")).not.toBe(ownerTag("acct-b", "p1"));
  });

  test("falls back to the profile name when the account is unknown", () => {
    expect(ownerTag(null, "p1")).not.toBe(ownerTag(null, "p2"));
    expect(ownerTag(undefined, "p1")).toBe(ownerTag(null, "p1"));
  });

  test("is short, signature-safe and does not contain the account id", () => {
    const tag = ownerTag("acct-secretive", "p1");
    expect(tag).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(tag).not.toContain("acct");
  });
});

const thinking = (owner: string | null, text = "t") => ({
  type: "thinking",
  thinking: text,
  signature: owner === null ? "anthropic-sig" : encodeSignature("enc", owner),
});

describe("newestSignatureOwner", () => {
  const cases: [string, unknown, string | null][] = [
    ["not an array", { role: "user" }, null],
    ["no assistant turns", [{ role: "user", content: "hi" }], null],
    ["string assistant content", [{ role: "assistant", content: "hello" }], null],
    [
      "one prodex signature",
      [{ role: "assistant", content: [thinking("aaa"), { type: "tool_use", id: "t", name: "Bash", input: {} }] }],
      "aaa",
    ],
    [
      "the newest turn wins",
      [
        { role: "assistant", content: [thinking("old")] },
        { role: "user", content: "next" },
        { role: "assistant", content: [thinking("new")] },
      ],
      "new",
    ],
    [
      "foreign signatures are skipped",
      [
        { role: "assistant", content: [thinking("mine")] },
        { role: "assistant", content: [thinking(null)] },
      ],
      "mine",
    ],
    [
      "malformed blocks are ignored",
      [{ role: "assistant", content: [null, 5, { type: "thinking" }, { type: "thinking", signature: 7 }] }],
      null,
    ],
  ];
  test.each(cases)("%s", (_name, messages, expected) => {
    expect(newestSignatureOwner(messages)).toBe(expected);
  });
});

describe("OwnerTags", () => {
  test("maps profiles to tags and back, asking for each account once", () => {
    const asked: string[] = [];
    const tags = new OwnerTags((p) => {
      asked.push(p);
      return { p1: "acct-a", p2: "acct-b" }[p] ?? null;
    });
    const t2 = tags.of("p2");
    expect(tags.profileOf(t2, ["p1", "p2"])).toBe("p2");
    expect(tags.profileOf("nope", ["p1", "p2"])).toBeNull();
    tags.of("p2");
    expect(asked).toEqual(["p2", "p1"]);
  });
});
