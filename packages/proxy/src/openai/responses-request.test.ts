import { describe, expect, test } from "bun:test";
import { responsesUpstream } from "./responses-request.ts";

describe("responsesUpstream", () => {
  test("stream:false (or absent) still streams upstream, never stored; a string input is one user message", () => {
    const r = responsesUpstream({ model: "gpt-5", input: "hi", store: true, metadata: { a: 1 } });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.stream).toBe(false);
    expect(r.body).toEqual({
      model: "gpt-5",
      input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
      stream: true,
      store: false,
      metadata: { a: 1 },
    });
    expect(r.notes).toEqual(["store=true ignored (the upstream stores nothing)"]);
  });

  test("stream:true and a list input pass as sent", () => {
    const input = [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }];
    const r = responsesUpstream({
      model: "gpt-5",
      input,
      stream: true,
      tools: [],
      include: ["reasoning.encrypted_content"],
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.stream).toBe(true);
    expect(r.body).toEqual({
      model: "gpt-5",
      input,
      stream: true,
      store: false,
      tools: [],
      include: ["reasoning.encrypted_content"],
    });
  });

  test("fields the upstream does not take are dropped with notes, or kept where it does", () => {
    const req = { model: "gpt-5", input: "hi", max_output_tokens: 10, temperature: 1 };
    const dropped = responsesUpstream(req);
    if (!dropped.ok) throw new Error(dropped.error.message);
    expect([dropped.body.max_output_tokens, dropped.body.temperature]).toEqual([undefined, undefined]);
    expect(dropped.notes).toEqual([
      "max_output_tokens dropped (not accepted upstream)",
      "temperature dropped (not accepted upstream)",
    ]);
    const kept = responsesUpstream(req, { maxOutputTokens: true, sampling: true });
    if (!kept.ok) throw new Error(kept.error.message);
    expect([kept.body.max_output_tokens, kept.body.temperature]).toEqual([10, 1]);
  });

  const refusals: { name: string; input: unknown; where: string }[] = [
    { name: "no input", input: { model: "gpt-5" }, where: "input" },
    { name: "input of the wrong type", input: { model: "gpt-5", input: 3 }, where: "input" },
    { name: "stream of the wrong type", input: { model: "gpt-5", input: "x", stream: "yes" }, where: "stream" },
    { name: "background", input: { model: "gpt-5", input: "x", background: true }, where: "background" },
    {
      name: "previous_response_id (nothing is stored upstream)",
      input: { model: "gpt-5", input: "x", previous_response_id: "resp_1" },
      where: "previous_response_id",
    },
  ];
  for (const c of refusals) {
    test(`refused: ${c.name}`, () => {
      const r = responsesUpstream(c.input);
      if (r.ok) throw new Error("expected a refusal");
      expect(r.error.where).toBe(c.where);
    });
  }
});
