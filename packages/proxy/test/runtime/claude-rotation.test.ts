import { describe, expect, test } from "bun:test";
import { decodeSignature } from "../../src/anthropic/signature.ts";
import { ownerTag } from "../../src/routes/anthropic-owner.ts";
import { frames, summarize, toolRoundTrip } from "../helpers/anthropic-stream.ts";
import { messagesBody, postMessages, served, upstreamBodies } from "../helpers/claude-client.ts";
import { type PoolFixture, TWO_ACCOUNTS, usePoolFixtures } from "../helpers/pool-fixture.ts";

// The same rotation engine as Codex, seen from Claude Code: safe moves before commit, affinity,
// and failures in the Anthropic shape Claude Code's retry logic understands.

const openPool = usePoolFixtures();

const two = TWO_ACCOUNTS;

type ErrorBody = { type: string; error: { type: string; message: string } };

async function toolTurn(fx: PoolFixture, session: string) {
  const ask = { role: "user", content: [{ type: "text", text: "run the tool" }] };
  const s = summarize(frames(await (await postMessages(fx, messagesBody([ask]), { session })).text()));
  return {
    history: toolRoundTrip(ask, s, "tool-ran"),
    signature: s.blocks.find((b) => b.type === "thinking")?.signature ?? "",
  };
}

describe("rotation for Claude Code", () => {
  test("429 usage_limit_reached before commit: the request moves to the next account", async () => {
    const f = await openPool(two);
    f.mock.fault("acct-a", { kind: "usage_limit", resetsInSeconds: 900 });
    const res = await postMessages(f, messagesBody("say hi"));
    expect(res.status).toBe(200);
    const s = summarize(frames(await res.text()));
    expect(s.blocks.find((b) => b.type === "text")?.text).toBe("hi from mock");
    expect(served(f)).toEqual(["acct-a:429", "acct-b:200"]);
    const snap = f.proxy.state.pool.snapshot();
    expect(snap.current).toBe("p2");
    expect(snap.profiles.find((p) => p.name === "p1")?.backoff?.reason).toBe("quota");
  });

  test("a usage limit inside the first events of a 200 stream moves too", async () => {
    const f = await openPool(two);
    f.mock.fault("acct-a", { kind: "stream_failed_usage_limit" });
    const text = await (await postMessages(f, messagesBody("say hi"))).text();
    expect(text).not.toContain("event: error");
    expect(summarize(frames(text)).blocks.find((b) => b.type === "text")?.text).toBe("hi from mock");
  });

  test("every account used up: rate_limit_error with x-should-retry: false and the earliest reset", async () => {
    const f = await openPool([
      { id: "acct-a", primary: { usedPercent: 100, resetAfterSeconds: 600 } },
      { id: "acct-b", primary: { usedPercent: 100, resetAfterSeconds: 300 } },
    ]);
    const res = await postMessages(f, messagesBody("say hi"));
    expect(res.status).toBe(429);
    expect(res.headers.get("x-should-retry")).toBe("false");
    const body = (await res.json()) as ErrorBody;
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("rate_limit_error");
    expect(served(f)).toEqual(["acct-a:429", "acct-b:429"]);
  });

  test("--no-auto-rotate: the one account's limit is passed on, and retrying cannot help", async () => {
    const f = await openPool(two, { autoRotate: false });
    f.mock.exhaust("acct-a", 600);
    const res = await postMessages(f, messagesBody("say hi"));
    expect(res.status).toBe(429);
    expect(res.headers.get("x-should-retry")).toBe("false");
    expect(((await res.json()) as ErrorBody).error.type).toBe("rate_limit_error");
    expect(served(f)).toEqual(["acct-a:429"]);
  });

  test("5xx on every account: an Anthropic api/overloaded error Claude Code may retry", async () => {
    const f = await openPool(two);
    f.mock.fault("acct-a", { kind: "overloaded" });
    f.mock.fault("acct-b", { kind: "overloaded" });
    const res = await postMessages(f, messagesBody("say hi"));
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.headers.get("x-should-retry")).toBeNull();
    const body = (await res.json()) as ErrorBody;
    expect(["overloaded_error", "api_error"]).toContain(body.error.type);
  });

  test("a failure after the commit point ends the stream with an error event", async () => {
    const f = await openPool(two);
    f.mock.fault("acct-a", { kind: "error_after_commit", afterEvents: 5 });
    const list = frames(await (await postMessages(f, messagesBody("say hi"))).text());
    const s = summarize(list);
    expect(list[0]?.event).toBe("message_start");
    expect(s.events.at(-1)).toBe("error");
    expect(served(f)).toEqual(["acct-a:200"]);
  });

  test("an upstream that drops the stream after commit is an error, not a silent end_turn", async () => {
    const f = await openPool(two);
    f.mock.fault("acct-a", { kind: "drop_after_events", events: 8 });
    const s = summarize(frames(await (await postMessages(f, messagesBody("say hi"))).text()));
    expect(s.events.at(-1)).toBe("error");
    expect(s.stopReason).toBeNull();
  });

  test("a conversation keeps its account (x-claude-code-session-id) while new ones go elsewhere", async () => {
    const f = await openPool(two);
    // Claude Code sends its session id both as a header and inside metadata.user_id.
    const turn = async (session: string) =>
      (await postMessages(f as PoolFixture, messagesBody("say hi", {}, session), { session })).text();
    await turn("s1");
    f.mock.fault("acct-a", { kind: "server_error", status: 502 });
    await turn("s2");
    expect(f.proxy.state.pool.snapshot().current).toBe("p2");
    await turn("s1");
    expect(served(f)).toEqual(["acct-a:200", "acct-a:502", "acct-b:200", "acct-a:200"]);
  });

  test("a thinking signature finds its account even without a session binding", async () => {
    const f = await openPool(two);
    const { history } = await toolTurn(f, "first-session");
    // Pin p2 (new work goes there), then continue under a session prodex never saw.
    f.proxy.state.pool.pin("p2");
    const s = summarize(
      frames(
        await (
          await postMessages(f, messagesBody(history, {}, "resumed-elsewhere"), { session: "resumed-elsewhere" })
        ).text(),
      ),
    );
    expect(s.blocks.find((b) => b.type === "text")?.text).toBe("tool said: tool-ran");
    expect(served(f)).toEqual(["acct-a:200", "acct-a:200"]);
  });

  test("moving an account-bound conversation: the other account's reasoning is dropped, the turn completes", async () => {
    const f = await openPool(two);
    const { history, signature } = await toolTurn(f, "sess-move");
    expect(decodeSignature(signature)?.owner).toBe(ownerTag("acct-a", "p1"));
    f.mock.exhaust("acct-a", 900);
    const res = await postMessages(f, messagesBody(history), { session: "sess-move" });
    const s = summarize(frames(await res.text()));
    expect(s.blocks.find((b) => b.type === "text")?.text).toBe("tool said: tool-ran");
    expect(served(f)).toEqual(["acct-a:200", "acct-a:429", "acct-b:200"]);
    const [, onOwner, moved] = upstreamBodies(f).map((b) => (b.input as { type: string }[]).map((i) => i.type));
    expect(onOwner).toContain("reasoning");
    expect(moved).toEqual(["message", "function_call", "function_call_output"]);
    // The new thinking is signed for the account that made it.
    expect(decodeSignature(s.blocks.find((b) => b.type === "thinking")?.signature)?.owner).toBe(
      ownerTag("acct-b", "p2"),
    );
  });

  test("a token the upstream refuses is refreshed once and the request still completes", async () => {
    const f = await openPool(two);
    f.mock.fault("acct-a", { kind: "unauthorized" });
    const s = summarize(frames(await (await postMessages(f, messagesBody("say hi"))).text()));
    expect(s.blocks.find((b) => b.type === "text")?.text).toBe("hi from mock");
    expect(served(f)).toEqual(["acct-a:401", "acct-a:200"]);
    expect(f.mock.refreshCalls("acct-a")).toBe(1);
  });
});
