import { describe, expect, test } from "bun:test";
import { type ChainEntry, ResponseChain, fullInput, hasCompaction, replayBody } from "./ws-chain.ts";

const msg = (text: string) => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });
const reasoning = { type: "reasoning", id: "rs_1", summary: [], encrypted_content: "enc-for-p1" };
const answer = { type: "message", role: "assistant", content: [{ type: "output_text", text: "hi" }] };

function entry(over: Partial<ChainEntry> = {}): ChainEntry {
  return {
    id: "resp_1",
    profile: "p1",
    socket: 1,
    input: [msg("dev"), msg("say hi")],
    output: [reasoning, answer],
    compaction: false,
    chars: 100,
    ...over,
  };
}

describe("fullInput", () => {
  test("without a previous response: the frame's input", () => {
    expect(fullInput({ input: [msg("a")] }, undefined)).toEqual([msg("a")]);
  });
  test("after a previous response: its input, its output, then the new items (what the upstream holds)", () => {
    expect(fullInput({ input: [msg("more")] }, entry())).toEqual([
      msg("dev"),
      msg("say hi"),
      reasoning,
      answer,
      msg("more"),
    ]);
  });
});

describe("replayBody", () => {
  const body = { type: "response.create", model: "gpt-5", previous_response_id: "resp_1", input: [msg("more")] };
  const cases: [string, string, unknown[]][] = [
    [
      "same account on a new socket keeps its own reasoning",
      "p1",
      [msg("dev"), msg("say hi"), reasoning, answer, msg("more")],
    ],
    ["another account drops reasoning it cannot decrypt", "p2", [msg("dev"), msg("say hi"), answer, msg("more")]],
  ];
  for (const [name, to, input] of cases) {
    test(name, () => {
      const out = replayBody(body, entry(), to).body;
      expect(out.previous_response_id).toBeUndefined();
      expect(out.input).toEqual(input);
      expect(out.model).toBe("gpt-5");
      expect(out.type).toBe("response.create");
    });
  }
});

describe("ResponseChain", () => {
  test("keeps the latest responses only", () => {
    const chain = new ResponseChain();
    for (let i = 1; i <= 6; i++) chain.record(entry({ id: `resp_${i}` }));
    expect(chain.get("resp_1")).toBeUndefined();
    expect(chain.get("resp_2")).toBeUndefined();
    expect(chain.get("resp_6")?.id).toBe("resp_6");
    expect(chain.get(null)).toBeUndefined();
  });
  test("a conversation past the size bound is forgotten, never half kept", () => {
    const chain = new ResponseChain(1000);
    chain.record(entry({ id: "resp_1" }));
    chain.record(entry({ id: "resp_2", chars: 5000 }));
    expect(chain.get("resp_1")).toBeUndefined();
    expect(chain.get("resp_2")).toBeUndefined();
  });
});

test.each([
  ["no compaction", [msg("a"), reasoning], false],
  ["a compaction item", [{ type: "compaction", encrypted_content: "x" }], true],
  ["a compaction summary", [{ type: "compaction_summary" }], true],
])("hasCompaction: %s", (_name, items, want) => {
  expect(hasCompaction(items)).toBe(want);
});
