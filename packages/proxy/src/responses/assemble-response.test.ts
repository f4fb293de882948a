import { describe, expect, test } from "bun:test";
import { ev } from "../../test/helpers/responses-events.ts";
import type { ResponsesEvent } from "../anthropic/types.ts";
import { assembleResponse } from "./assemble-response.ts";

const refusalItem = {
  id: "msg_r",
  type: "message",
  role: "assistant",
  status: "completed",
  content: [{ type: "refusal", refusal: "I can't help with that." }],
};
const call = (i: number, id: string, name: string, args: string) => ({
  id: `fc_${i}`,
  type: "function_call",
  status: "completed",
  call_id: id,
  name,
  arguments: args,
});

type Case = {
  name: string;
  events: ResponsesEvent[];
  want: {
    status?: string;
    output_text?: string;
    types?: string[];
    usage?: unknown;
    incomplete?: unknown;
    failure?: unknown;
  };
};

const cases: Case[] = [
  {
    name: "text",
    events: [...ev.created(), ...ev.text(0, ["hi ", "there"]), ev.completed()],
    want: { status: "completed", output_text: "hi there", types: ["message"], usage: ev.usage() },
  },
  {
    name: "reasoning then text: output in output order, text only from messages",
    events: [
      ...ev.created(),
      ...ev.reasoning(0, [["think"]], "enc"),
      ...ev.text(1, ["answer"]),
      ev.completed(ev.usage(10, 3)),
    ],
    want: { output_text: "answer", types: ["reasoning", "message"], usage: ev.usage(10, 3) },
  },
  {
    name: "one tool call",
    events: [...ev.created(), ...ev.call(0, "call_1", "get_weather", ['{"city":', '"Paris"}']), ev.completed()],
    want: { output_text: "", types: ["function_call"] },
  },
  {
    name: "parallel tool calls, done out of order",
    events: [
      ...ev.created(),
      { type: "response.output_item.done", output_index: 1, item: call(1, "c2", "b", "{}") },
      { type: "response.output_item.done", output_index: 0, item: call(0, "c1", "a", "{}") },
      ev.completed(),
    ],
    want: { types: ["function_call", "function_call"] },
  },
  {
    name: "refusal: an output item, not output_text",
    events: [
      ...ev.created(),
      { type: "response.output_item.done", output_index: 0, item: refusalItem },
      ev.completed(),
    ],
    want: { output_text: "", types: ["message"] },
  },
  {
    name: "incomplete: status and details kept",
    events: [...ev.created(), ...ev.text(0, ["cut"]), ev.incomplete("max_output_tokens")],
    want: { status: "incomplete", output_text: "cut", incomplete: { reason: "max_output_tokens" } },
  },
  {
    name: "no done items: the final response's output",
    events: [...ev.created(), ev.completed(ev.usage(), [ev.messageItem(0, "from final")])],
    want: { output_text: "from final", types: ["message"] },
  },
  {
    name: "response.failed",
    events: [...ev.created(), ev.failed("server_error", "boom")],
    want: { failure: { id: "resp_test", status: "failed", error: { code: "server_error", message: "boom" } } },
  },
  {
    name: "error event",
    events: [...ev.created(), { type: "error", code: "rate_limit_exceeded", message: "slow down" }],
    want: { failure: { type: "error", code: "rate_limit_exceeded", message: "slow down" } },
  },
  {
    name: "ended before a terminal event",
    events: [...ev.created(), ...ev.text(0, ["half"], { done: false })],
    want: { failure: null },
  },
];

describe("assembleResponse", () => {
  for (const c of cases) {
    test(c.name, () => {
      const r = assembleResponse(c.events);
      if ("failure" in c.want) {
        expect(r).toEqual({ ok: false, failure: c.want.failure as never });
        return;
      }
      if (!r.ok) throw new Error("expected a response");
      const out = r.response;
      if (c.want.status) expect(out.status).toBe(c.want.status);
      if (c.want.output_text !== undefined) expect(out.output_text).toBe(c.want.output_text);
      if (c.want.types) expect((out.output as { type: string }[]).map((o) => o.type)).toEqual(c.want.types);
      if (c.want.usage) expect(out.usage).toEqual(c.want.usage);
      if (c.want.incomplete) expect(out.incomplete_details).toEqual(c.want.incomplete);
    });
  }

  test("parallel calls come back in output order", () => {
    const r = assembleResponse(cases[3]!.events);
    if (!r.ok) throw new Error("expected a response");
    expect((r.response.output as { call_id: string }[]).map((o) => o.call_id)).toEqual(["c1", "c2"]);
  });
});
