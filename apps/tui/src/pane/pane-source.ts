import type { Terminal } from "@xterm/headless";

/**
 * What <AgentPane> reads: the agent's emulator and a change counter. The wrapper publishes when
 * a frame of the agent's output is ready to be shown; the pane re-renders then, not on a timer.
 */
export class PaneSource {
  private n = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly term: Terminal,
    /** Whether the agent hid its cursor (DECTCEM). */
    readonly cursorHidden: () => boolean,
  ) {}

  readonly subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  readonly version = (): number => this.n;

  publish(): void {
    this.n++;
    for (const fn of this.listeners) fn();
  }
}
