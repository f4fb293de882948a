// Guards for JSON from outside (upstream bodies, websocket frames, SSE events, files): they never
// throw and never trust a shape. The hot paths (every frame, every event) use these instead of a
// schema; where a whole document enters, zod checks it. @prodex/guards depends on nothing, so the
// mock and the test manifest (which sit outside store ← core ← proxy) use the same guards.

/** A JSON object: string keys, values not yet checked. */
export type JsonRecord = { [field: string]: unknown };

/** A non-null, non-array object (what `JSON.parse` gives for `{…}`). */
export function isRecord(v: unknown): v is JsonRecord {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `v` as an object, or undefined when it is anything else. */
export function asRecord(v: unknown): JsonRecord | undefined {
  return isRecord(v) ? v : undefined;
}

export function asString(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** A finite number (JSON has no NaN or Infinity; a computed value might). */
export function asNumber(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** `v` when it is an array, else an empty one (a missing list reads as no items). */
export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The parsed value, or undefined when `text` is not JSON (an error body may be HTML or empty). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
