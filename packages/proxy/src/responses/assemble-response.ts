import {
  type JsonRecord as Obj,
  asArray as arr,
  asNumber as num,
  asRecord as obj,
  asString as str,
} from "@prodex/guards";
import type { ResponsesEvent, ResponsesObject } from "../anthropic/types.ts";

/**
 * One Responses object from the events of a stream: what a `stream:false` client reads. The
 * ChatGPT backend only streams, so every non-streamed answer (Responses, Chat Completions,
 * Claude Messages) is assembled here.
 */
export type Assembled =
  | { ok: true; response: ResponsesObject }
  /** `failure`: the failed response or the `error` event; null when the stream ended before a terminal event. */
  | { ok: false; failure: Obj | null };

/**
 * Output items come from `response.output_item.done` in output order (the final `response.output`
 * may be empty, as the ChatGPT backend sends it), else from the final response. `output_text` is
 * the joined text of the message items, as the SDKs compute it.
 */
export function assembleResponse(events: Iterable<ResponsesEvent>): Assembled {
  const done: [number, Obj][] = [];
  let final: Obj | undefined;
  for (const e of events) {
    if (e.type === "response.output_item.done") {
      const item = obj(e.item);
      if (item) done.push([num(e.output_index) ?? done.length, item]);
    } else if (e.type === "response.completed" || e.type === "response.incomplete") {
      final = obj(e.response) ?? {};
    } else if (e.type === "response.failed") {
      return { ok: false, failure: obj(e.response) ?? {} };
    } else if (e.type === "error") {
      return { ok: false, failure: e };
    }
  }
  if (!final) return { ok: false, failure: null };
  const output = done.length ? done.sort((a, b) => a[0] - b[0]).map(([, item]) => item) : arr(final.output);
  return { ok: true, response: { ...final, output, output_text: outputText(output) } };
}

/** The text of the message items' `output_text` parts (refusals excluded, as in the SDKs). */
export function outputText(output: unknown[]): string {
  let text = "";
  for (const raw of output) {
    const item = obj(raw);
    if (item?.type !== "message") continue;
    for (const p of arr(item.content)) {
      const part = obj(p);
      if (part?.type === "output_text") text += str(part.text) ?? "";
    }
  }
  return text;
}
