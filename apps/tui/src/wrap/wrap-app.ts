import type { PoolFeed } from "@prodex/core/types";
import type { Theme } from "../env/theme.ts";
import { applyFeedMessage, initPoolState, type PoolState } from "../feed/pool-state.ts";
import { fmtAgo, fmtClock, fmtDuration, fmtReset } from "../format/format.ts";
import { initialPoolView, poolKey, type PoolViewState } from "../pool/pool-controller.ts";
import type { CursorState } from "../screen/diff.ts";
import { Presenter } from "../screen/present.ts";
import { Attr, Screen } from "../screen/screen.ts";
import { blitXterm } from "../screen/xterm-cells.ts";
import { blitLines } from "../screen/blit-lines.ts";
import { confirmLines, helpLines } from "../ui/help-overlay.ts";
import type { Line } from "../ui/lines.ts";
import { poolLines } from "../ui/pool-view.ts";
import { panelLines } from "../ui/side-panel.ts";
import { stripLine } from "../ui/status-strip.ts";
import type { AgentSession } from "./agent-session.ts";
import { InputRouter, type WrapCommand } from "./input-router.ts";
import type { Key } from "./keys.ts";
import { prefixLabel, prefixShort } from "./keys.ts";
import { computeLayout, cyclePanel, MAX_PANEL_COLS, MIN_PANEL_COLS, type Layout, type PanelMode } from "./layout.ts";
import type { TerminalHost } from "./terminal-host.ts";
import { throttle, type Throttle } from "./throttle.ts";

type Mode = "agent" | "pool" | "help" | "scroll" | "confirm";

export type WrapAppOptions = {
  host: TerminalHost;
  feed: PoolFeed;
  theme: Theme;
  prefix: number;
  title?: string;
  /** Creates the agent at the pane's size; output and host sequences are routed back to the app. */
  spawn(cols: number, rows: number, onOutput: () => void, onHost: (seq: string) => void): AgentSession;
  onQuit(): void;
  /** Longest to hold a frame while the agent's synchronized update is open. */
  syncMaxMs?: number;
  /** A failure in a timer or feed callback: the runner restores the terminal and rejects. */
  onError(err: unknown): void;
};

const FRAME_MS = 16; // ~60 fps at most
const UI_MS = 33; // panel rebuilds: events show within a frame or two, bursts coalesce
const ECHO_MS = 50; // output this soon after a keystroke is its echo: draw it at once
const SYNC_MAX_MS = 150; // default for how long we honour an agent's synchronized update

function toScreen(lines: Line[], cols: number, rows: number): Screen {
  const s = new Screen(cols, rows);
  blitLines(s, lines, 0, 0, cols, rows);
  return s;
}

/** The wrapped screen: agent pane + pool panel, composed cell by cell and diffed to the terminal. */
export class WrapApp {
  readonly agent: AgentSession;
  private pool: PoolState;
  private layout: Layout;
  private pref: PanelMode = "side";
  private panelWidth: number | null = null;
  private mode: Mode = "agent";
  private poolView: PoolViewState = initialPoolView;
  private scrollTop = 0;
  private notice: { text: string; until: number } | null = null;
  private readonly presenter = new Presenter();
  private readonly router: InputRouter;
  private panel: Screen | null = null;
  private strip: Screen | null = null;
  private overlay: Screen | null = null;
  private full: Screen | null = null;
  private readonly frame: Throttle;
  private readonly ui: Throttle;
  private readonly resizer: Throttle;
  private timeSig = "";
  private lastInput = -Infinity;
  private syncSince: number | null = null;
  private readonly unsubscribe: () => void;
  private readonly ticker: ReturnType<typeof setInterval>;

  constructor(private opts: WrapAppOptions) {
    this.router = new InputRouter(opts.prefix);
    this.pool = initPoolState(opts.feed.snapshot(), opts.feed.recent());
    const { cols, rows } = opts.host.size();
    this.layout = computeLayout(cols, rows, this.pref, this.panelWidth);
    this.frame = throttle(this.guard(() => this.draw()), FRAME_MS);
    this.ui = throttle(this.guard(() => this.renderUi()), UI_MS);
    this.resizer = throttle(this.guard(() => this.relayout()), 30);
    this.agent = opts.spawn(this.layout.pane.cols, this.layout.pane.rows, this.guard(() => this.output()), (seq) => opts.host.write(seq));
    this.unsubscribe = opts.feed.subscribe(
      this.guard((msg) => {
        this.pool = applyFeedMessage(this.pool, msg);
        this.ui.request();
      }),
    );
    this.ticker = setInterval(this.guard(() => this.tick()), 1000);
    this.renderUi();
  }

  private guard<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
    return (...args) => {
      try {
        fn(...args);
      } catch (err) {
        this.opts.onError(err);
      }
    };
  }

  stop(): void {
    this.unsubscribe();
    clearInterval(this.ticker);
    this.frame.cancel();
    this.ui.cancel();
    this.resizer.cancel();
  }

  /** Raw terminal input. */
  input(bytes: Uint8Array): void {
    const wasArmed = this.router.armed;
    const { agent, commands } = this.router.route(bytes);
    if (agent.length) this.lastInput = performance.now();
    for (const b of agent) this.agent.write(b);
    for (const c of commands) this.command(c);
    if (wasArmed !== this.router.armed || commands.length) this.refresh();
  }

  resize(): void {
    this.resizer.request();
  }

  /**
   * Agent output was parsed. Frames are capped at ~60 fps for streaming output, but the echo of a
   * keystroke skips the queue: typing must feel native.
   */
  private output(): void {
    if (performance.now() - this.lastInput < ECHO_MS) {
      this.lastInput = -Infinity;
      this.frame.flush();
    } else this.frame.request();
  }

  private relayout(): void {
    const { cols, rows } = this.opts.host.size();
    this.layout = computeLayout(cols, rows, this.pref, this.panelWidth);
    this.agent.resize(this.layout.pane.cols, this.layout.pane.rows);
    this.presenter.invalidate();
    this.refresh();
  }

  private setMode(mode: Mode): void {
    this.mode = mode;
    this.router.modal = mode !== "agent";
  }

  private say(text: string): void {
    this.notice = { text, until: Date.now() + 3000 };
    this.ui.request();
  }

  private command(c: WrapCommand): void {
    const snap = this.pool.snapshot;
    switch (c.type) {
      case "help":
        return this.setMode(this.mode === "help" ? "agent" : "help");
      case "pool":
        return this.setMode(this.mode === "pool" ? "agent" : "pool");
      case "cyclePanel":
        this.pref = cyclePanel(this.pref);
        return this.relayout();
      case "panelWidth": {
        const cur = this.panelWidth ?? this.layout.panel?.cols ?? 36;
        this.panelWidth = Math.max(MIN_PANEL_COLS, Math.min(MAX_PANEL_COLS, cur + c.delta));
        this.pref = "side";
        return this.relayout();
      }
      case "autoRotate":
        return this.act(this.opts.feed.setAutoRotate(!snap.autoRotate), snap.autoRotate ? "auto-rotate paused" : "auto-rotate resumed");
      case "pin": {
        if (c.index === null) return this.act(this.opts.feed.pin(null), "unpinned: auto-rotate picks the profile");
        const p = snap.profiles[c.index];
        if (!p) return this.say(`no profile #${c.index + 1}`);
        return this.act(this.opts.feed.pin(p.name), `pinned ${p.name}`);
      }
      case "scroll": {
        const buf = this.agent.term.buffer.active;
        if (buf.type === "alternate" || buf.baseY === 0) return this.say("nothing to scroll back to");
        this.scrollTop = Math.max(0, buf.viewportY - this.layout.pane.rows);
        return this.setMode("scroll");
      }
      case "redraw":
        this.presenter.invalidate();
        return;
      case "quit":
        return this.setMode("confirm");
      case "cancel":
        return;
      case "key":
        return this.key(c.key);
    }
  }

  private act(p: Promise<void>, done: string): void {
    p.then(
      () => this.say(done),
      (err: unknown) => this.say(`failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  private key(k: Key): void {
    if (this.mode === "help") return this.setMode("agent");
    if (this.mode === "confirm") {
      if (k.ch === "y" || k.ch === "q" || k.name === "enter") this.opts.onQuit();
      return this.setMode("agent");
    }
    if (this.mode === "pool") {
      const r = poolKey(this.poolView, k, this.pool.snapshot);
      this.poolView = r.view;
      const a = r.action;
      if (!a) return;
      if (a.type === "close") return this.setMode("agent");
      if (a.type === "pin") return this.act(this.opts.feed.pin(a.profile), a.profile ? `pinned ${a.profile}` : "unpinned");
      return this.act(this.opts.feed.setAutoRotate(a.enabled), a.enabled ? "auto-rotate resumed" : "auto-rotate paused");
    }
    if (this.mode === "scroll") return this.scrollKey(k);
  }

  private scrollKey(k: Key): void {
    const buf = this.agent.term.buffer.active;
    const page = Math.max(1, this.layout.pane.rows - 1);
    const ch = k.name === "char" ? k.ch : "";
    let top = this.scrollTop;
    if (k.name === "up" || ch === "k") top -= 1;
    else if (k.name === "down" || ch === "j") top += 1;
    else if (k.name === "pageup" || ch === "b") top -= page;
    else if (k.name === "pagedown" || ch === " " || ch === "f") top += page;
    else if (k.name === "home" || ch === "g") top = 0;
    else if (k.name === "end" || ch === "G" || k.name === "escape" || ch === "q") return this.setMode("agent");
    this.scrollTop = Math.max(0, Math.min(buf.baseY, top));
  }

  private tick(): void {
    const now = Date.now();
    if (this.notice && this.notice.until <= now) {
      this.notice = null;
      this.ui.request();
      return;
    }
    // Only re-render when a countdown on screen actually changed.
    const sig = this.timeSignature(now);
    if (sig !== this.timeSig) {
      this.timeSig = sig;
      this.ui.request();
    }
  }

  private timeSignature(now: number): string {
    const s = this.pool.snapshot;
    let sig = this.mode === "pool" ? fmtClock(now) : "";
    for (const p of s.profiles) {
      for (const w of p.windows) sig += fmtReset(w.resetAt, now);
      if (p.backoff) sig += fmtDuration(p.backoff.until - now);
    }
    if (this.pool.lastRotation && this.layout.strip) sig += fmtAgo(this.pool.lastRotation.at, now);
    return sig;
  }

  private hint(): string | undefined {
    if (this.router.armed) return `keys: d pool ${this.dot()} s panel ${this.dot()} a auto ${this.dot()} 1-9 pin ${this.dot()} [ scroll ${this.dot()} q quit ${this.dot()} ? help`;
    return this.notice?.text;
  }

  private dot(): string {
    return this.opts.theme.g.dot;
  }

  /** Rebuild the views now and draw: user actions should feel instant. */
  private refresh(): void {
    this.ui.cancel();
    this.renderUi();
  }

  private renderUi(): void {
    const { theme, title } = this.opts;
    const now = Date.now();
    const l = this.layout;
    const hint = this.hint();
    const short = prefixShort(this.opts.prefix);
    this.timeSig = this.timeSignature(now);
    if (this.mode === "pool") {
      this.full = toScreen(poolLines({ state: this.pool, view: this.poolView, theme, width: l.cols, height: l.rows, now, title, notice: hint }), l.cols, l.rows);
    } else {
      this.full = null;
      this.panel = l.panel
        ? toScreen(panelLines({ state: this.pool, theme, width: l.panel.cols, height: l.panel.rows, now, title, hint, prefixLabel: short }), l.panel.cols, l.panel.rows)
        : null;
      // With the panel hidden, the strip only appears to show the key menu or a notice.
      const stripW = l.strip ? l.strip.cols : hint ? l.cols : 0;
      this.strip = stripW ? toScreen([stripLine({ state: this.pool, theme, width: stripW, now, title, hint, prefixLabel: short })], stripW, 1) : null;
      this.overlay = this.renderOverlay();
    }
    this.frame.request();
  }

  private renderOverlay(): Screen | null {
    const { theme, title } = this.opts;
    const pane = this.layout.pane;
    if (this.mode === "help") {
      const w = Math.min(60, pane.cols - 2);
      const lines = helpLines(theme, prefixLabel(this.opts.prefix), w);
      return toScreen(lines, w, Math.min(pane.rows, lines.length));
    }
    if (this.mode === "confirm") {
      const w = Math.min(44, pane.cols - 2);
      return toScreen(confirmLines(theme, `Quit ${title ?? "the agent"}?`, w), w, 3);
    }
    return null;
  }

  /**
   * The agent is mid-frame (it opened a synchronized update, CSI ? 2026 h, and has not closed it):
   * wait for the rest rather than show half a frame, for a while (syncMaxMs).
   */
  private midFrame(): boolean {
    if (this.mode === "pool" || !this.agent.term.modes.synchronizedOutputMode) {
      this.syncSince = null;
      return false;
    }
    const now = performance.now();
    this.syncSince ??= now;
    return now - this.syncSince < (this.opts.syncMaxMs ?? SYNC_MAX_MS);
  }

  private draw(): void {
    if (this.midFrame()) return this.frame.request();
    const l = this.layout;
    const next = this.presenter.canvas(l.cols, l.rows);
    let cursor: CursorState = { x: 0, y: 0, visible: false };
    if (this.mode === "pool" && this.full) {
      next.blit(this.full, 0, 0);
    } else {
      const buf = this.agent.term.buffer.active;
      const pane = l.pane;
      const scrolling = this.mode === "scroll";
      blitXterm(next, buf, scrolling ? this.scrollTop : buf.viewportY, pane.x, pane.y, pane.cols, pane.rows);
      if (l.divider !== null) {
        const style = this.opts.theme.color ? { fg: 8, bg: -1, attrs: 0 } : { fg: -1, bg: -1, attrs: Attr.dim };
        for (let y = 0; y < l.rows; y++) next.set(l.divider, y, this.opts.theme.g.sep, 1, style);
      }
      if (l.panel && this.panel) next.blit(this.panel, l.panel.x, l.panel.y);
      if (this.strip) next.blit(this.strip, 0, l.rows - 1);
      if (this.overlay) {
        const x = Math.max(0, Math.floor((pane.cols - this.overlay.cols) / 2));
        const y = Math.max(0, Math.floor((pane.rows - this.overlay.rows) / 2));
        next.blit(this.overlay, x, y);
      }
      if (scrolling) this.drawScrollBadge(next, buf.baseY);
      if (this.mode === "agent" && !this.agent.cursorHidden)
        cursor = { x: Math.min(buf.cursorX, pane.cols - 1) + pane.x, y: buf.cursorY + pane.y, visible: true };
    }
    this.opts.host.write(this.presenter.frame(next, cursor));
  }

  private drawScrollBadge(s: Screen, base: number): void {
    const text = ` scroll ${base - this.scrollTop} up ${this.dot()} ${this.opts.theme.ascii ? "up/down" : "↑↓"} PgUp PgDn ${this.dot()} q back `;
    const x0 = Math.max(0, this.layout.pane.cols - Bun.stringWidth(text));
    const style = { fg: this.opts.theme.color ? 6 : -1, bg: -1, attrs: Attr.inverse };
    let x = x0;
    for (const ch of text) {
      s.set(x, 0, ch, 1, style);
      x += 1;
    }
  }
}
