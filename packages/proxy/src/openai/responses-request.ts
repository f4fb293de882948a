import { z } from "zod";
import { type ApiLabel, TranslateError, fromZodError } from "../anthropic/translate-error.ts";
import { CHATGPT_PARAMS, type UpstreamParams, unsupportedFields } from "./upstream-params.ts";

export const RESPONSES_API: ApiLabel = {
  name: "Responses",
  hint: "Check that the client speaks the OpenAI Responses API.",
};

/** What the proxy reads of a Responses request; everything else goes upstream as sent. */
const ResponsesCreate = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.unknown())]),
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  instructions: z.string().nullish(),
  tools: z.array(z.unknown()).nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  background: z.boolean().nullish(),
  previous_response_id: z.string().nullish(),
});

export type ResponsesUpstreamOk = { ok: true; body: Record<string, unknown>; stream: boolean; notes: string[] };

/**
 * A client's Responses request → what the ChatGPT backend takes: always streamed (the proxy
 * assembles `stream:false` answers), never stored (`store:false`, which it requires), `input`
 * as a list (a bare string is one user message). Never throws.
 */
export function responsesUpstream(
  input: unknown,
  accepts: UpstreamParams = CHATGPT_PARAMS,
): ResponsesUpstreamOk | { ok: false; error: TranslateError } {
  const parsed = ResponsesCreate.safeParse(input);
  if (!parsed.success) return { ok: false, error: fromZodError(parsed.error, RESPONSES_API) };
  const req = parsed.data;
  if (req.background)
    return {
      ok: false,
      error: new TranslateError(
        "background responses are not supported: prodex stores nothing upstream. Send background=false.",
        "background",
      ),
    };
  if (req.previous_response_id) {
    const message =
      "previous_response_id is not supported: the upstream stores no responses (store=false). Send the whole conversation in input instead.";
    return { ok: false, error: new TranslateError(message, "previous_response_id") };
  }
  const notes: string[] = [];
  const body: Record<string, unknown> = { ...req, stream: true, store: false };
  if (req.store) notes.push("store=true ignored (the upstream stores nothing)");
  if (typeof req.input === "string")
    body.input = [{ type: "message", role: "user", content: [{ type: "input_text", text: req.input }] }];
  for (const { field, note } of unsupportedFields(body, accepts)) {
    delete body[field];
    notes.push(note);
  }
  return { ok: true, body, stream: req.stream === true, notes };
}
