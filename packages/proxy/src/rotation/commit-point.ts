// The commit point: until the client has received an event that is not one of these, the
// request may still move to another account. Hold events only announce that work started.
export const HOLD_EVENTS: ReadonlySet<string> = new Set([
  "response.created",
  "response.in_progress",
  "response.queued",
  "response.output_item.added",
  "response.content_part.added",
]);

export function isHoldEvent(type: string | undefined): boolean {
  return type !== undefined && HOLD_EVENTS.has(type);
}

/** Bounds on how long / how much the proxy holds back before committing anyway. */
export type HoldLimits = { maxMs: number; maxBytes: number };
export const DEFAULT_HOLD: HoldLimits = { maxMs: 20_000, maxBytes: 256 * 1024 };
