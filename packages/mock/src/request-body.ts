/** Reading a Responses API request body: zstd, JSON, the few fields the mock looks at. */
import { z } from "zod";
import { asString as str, isRecord } from "@prodex/guards";

export const responsesBodySchema = z.looseObject({
  type: z.string().optional(),
  model: z.string().optional(),
  input: z.array(z.unknown()).optional(),
  tools: z.array(z.unknown()).optional(),
  parallel_tool_calls: z.boolean().optional(),
  /** Structured output: `{format:{type:"json_schema", schema}}` gets an answer that fits the schema. */
  text: z.unknown().optional(),
  include: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  previous_response_id: z.string().optional(),
  generate: z.boolean().optional(),
});

export type ResponsesBody = z.infer<typeof responsesBodySchema>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** Decode raw request bytes (maybe zstd) into JSON. Never throws. */
export function decodeJson(bytes: Uint8Array, encoding: string | null): Parsed<unknown> {
  let raw = bytes;
  if (encoding && encoding !== "identity") {
    if (encoding !== "zstd") return { ok: false, message: `unsupported content-encoding "${encoding}"` };
    try {
      raw = Bun.zstdDecompressSync(bytes);
    } catch (cause) {
      return { ok: false, message: `body is not valid zstd: ${String(cause)}` };
    }
  }
  const text = new TextDecoder().decode(raw);
  if (text.trim() === "") return { ok: false, message: "empty body; expected a JSON object" };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, message: "body is not valid JSON" };
  }
}

export function parseResponsesBody(value: unknown): Parsed<ResponsesBody> {
  const r = responsesBodySchema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  return {
    ok: false,
    message: `invalid request body at ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "unknown"}`,
  };
}

export type Item = Record<string, unknown>;

/** Input items that are objects (anything else is ignored, as the model would). */
export function items(body: ResponsesBody): Item[] {
  return (body.input ?? []).filter(isRecord);
}

/** The text of a message's content (string or content parts) or of a function_call_output's output. */
export function textOf(v: unknown): string {
  if (typeof v === "string") return v;
  if (!Array.isArray(v)) return "";
  return v
    .filter(isRecord)
    .map((part) => str(part.text) ?? "")
    .join("");
}
