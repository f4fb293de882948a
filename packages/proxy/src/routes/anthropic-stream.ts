import { ANTHROPIC_PING, type AnthropicStreamTranslator } from "../anthropic/responses-to-anthropic.ts";
import { type CollectResult, type MessageOptions, collectNonStream } from "../anthropic/responses-to-message.ts";
import type { Committed } from "../engine/forward.ts";
import type { ProxyState } from "../engine/proxy-state.ts";
import { collectEvents, translatedSseBody } from "./translated-stream.ts";

/** The SSE body Claude Code reads (with `event:` lines and `ping` keep-alives); see translatedSseBody. */
export function anthropicSseBody(
  state: ProxyState,
  committed: Committed,
  t: AnthropicStreamTranslator,
  pingMs: number,
): ReadableStream<Uint8Array> {
  return translatedSseBody(
    state,
    committed,
    {
      push: (e) => t.push(e),
      broken: (m) => t.error("api_error", m),
      get done() {
        return t.done;
      },
      ping: ANTHROPIC_PING,
    },
    pingMs,
  );
}

/** For `stream:false`: reads the committed stream to its end and builds one message. */
export async function collectAnthropic(
  state: ProxyState,
  committed: Committed,
  model: string,
  opts: MessageOptions,
  signal: AbortSignal,
): Promise<CollectResult> {
  const { events, broke } = await collectEvents(state, committed, signal);
  if (broke !== null)
    return {
      ok: false,
      error: { type: "error", error: { type: "api_error", message: `The upstream stream broke: ${broke}` } },
    };
  return collectNonStream(events, model, opts);
}
