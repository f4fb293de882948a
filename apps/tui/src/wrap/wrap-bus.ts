import type { WrapCommand } from "./input-router.ts";

export type BusMessage = { type: "command"; command: WrapCommand } | { type: "armed"; armed: boolean };

/**
 * From the input router (outside React) to <WrapScreen>: prefix commands and whether the prefix
 * is armed; back the other way, whether the screen is in a mode that reads keys itself.
 */
export class WrapBus {
  /** Set by <WrapScreen>: input is for the dashboard (pool view, help, confirm, scroll). */
  modal = false;
  private readonly listeners = new Set<(m: BusMessage) => void>();

  subscribe(fn: (m: BusMessage) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  send(m: BusMessage): void {
    for (const fn of this.listeners) fn(m);
  }
}
