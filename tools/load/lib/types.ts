// Shapes shared by the load harness's parts: what one request looked like from the client's side.
import type { Transport } from "../../harness/workload.ts";

export type { Transport };

/** Which door of the target a request went through. */
export type Route = "codex-sse" | "codex-ws" | "claude";
export const ROUTES: readonly Route[] = ["codex-sse", "codex-ws", "claude"];

/** One request as the client saw it. Times are ms; `at`/`end` are since the run started. */
export type Outcome = {
  seq: number;
  route: Route;
  phase: string;
  at: number;
  end: number;
  /** HTTP status (websocket: 200 once the answer streams, or the error frame's status); 0 = no answer at all. */
  status: number;
  /** First body byte (HTTP) or first frame (websocket) after the request went out; null when none came. */
  ttfb: number | null;
  total: number;
  /** The answer's terminal success event arrived (response.completed / message_stop). */
  completed: boolean;
  /** The client cancelled on purpose (abort scenarios); not an error. */
  aborted: boolean;
  /** What the client would have shown as a failure; null when completed or aborted on purpose. */
  error: string | null;
  /** Text deltas received, and how many arrived out of order (checked on every stream, aborted ones too). */
  deltas: number;
  orderViolations: number;
  /** A completed answer whose text is not exactly the expected one (missing, extra or altered deltas). */
  incomplete: boolean;
  bytes: number;
  /** For a failure: the accounts the mock could still serve when it happened (null: no failure). */
  readyAfterError: string[] | null;
};

/** How a client should treat one request. */
export type Behaviour = {
  /** Cancel after this many text deltas (null: read to the end). */
  abortAfterDeltas: number | null;
  /** Read no faster than this (null: as fast as it comes). */
  drainBytesPerSec: number | null;
  /** After the first bytes, read nothing for this long (null: no pause); `onStall` says it began. */
  stallMs: number | null;
  onStall: (() => void) | null;
};
