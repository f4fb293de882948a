import type { ServerWebSocket } from "bun";

/** What is read from while the client is slow (an upstream socket): paused until the client drains. */
export type Pausable = { pause(): void; resume(): void };

/**
 * Frames to a websocket client at the client's pace (the proxy's Codex socket, and the team gateway's relay of it):
 * a send that reports back-pressure stops reading `source` until Bun's `drain`, so the upstream feels it; a dropped
 * send (the client's buffer past its limit, or closing) is the caller's to end.
 */
export class ClientPace {
  private waiters: (() => void)[] = [];

  constructor(private readonly gone: AbortSignal) {}

  /** "sent", "dropped" (end the client: too slow) or "gone" (the connection ended meanwhile). */
  async send(
    ws: ServerWebSocket<unknown>,
    text: string,
    source: Pausable | undefined,
    onSlow?: () => void,
  ): Promise<"sent" | "dropped" | "gone"> {
    if (this.gone.aborted) return "gone";
    const status = ws.send(text);
    if (status === 0) return "dropped";
    if (status === -1) {
      onSlow?.();
      source?.pause();
      await new Promise<void>((resolve) => {
        if (this.gone.aborted) resolve();
        else this.waiters.push(resolve);
      });
      source?.resume();
    }
    return this.gone.aborted ? "gone" : "sent";
  }

  /** Bun's `drain` (or the connection's end): every waiting send goes on. */
  drain(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}
