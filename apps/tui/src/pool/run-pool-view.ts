import type { PoolFeed } from "@prodex/core/types";
import { detectTheme } from "../env/theme.ts";
import { applyFeedMessage, initPoolState } from "../feed/pool-state.ts";
import { Presenter } from "../screen/present.ts";
import { blitLines } from "../screen/blit-lines.ts";
import { poolLines } from "../ui/pool-view.ts";
import { splitKeys } from "../wrap/keys.ts";
import { TerminalHost, type TtyInput, type TtyOutput } from "../wrap/terminal-host.ts";
import { throttle } from "../wrap/throttle.ts";
import { initialPoolView, poolKey } from "./pool-controller.ts";

export type PoolViewOptions = {
  feed: PoolFeed;
  stdout?: TtyOutput;
  stdin?: TtyInput;
  /** For NO_COLOR / TERM / locale; defaults to process.env. */
  env?: Record<string, string | undefined>;
};

const QUIT_SIGNALS: NodeJS.Signals[] = ["SIGTERM", "SIGHUP", "SIGINT"];

/** `prodex dashboard`: the pool view alone, full screen, until q / Esc / Ctrl-C. The feed stays open. */
export async function runPoolView(opts: PoolViewOptions): Promise<void> {
  const host = new TerminalHost(opts.stdin ?? process.stdin, opts.stdout ?? process.stdout);
  const theme = detectTheme(opts.env ?? process.env);
  const { feed } = opts;
  const presenter = new Presenter();
  const decoder = new TextDecoder();
  let state = initPoolState(feed.snapshot(), feed.recent());
  let view = initialPoolView;
  let notice: { text: string; until: number } | null = null;
  let done: () => void = () => {};
  let fail: (err: unknown) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    done = resolve;
    fail = reject;
  });

  const draw = () => {
    try {
      const { cols, rows } = host.size();
      const now = Date.now();
      if (notice && notice.until <= now) notice = null;
      const screen = presenter.canvas(cols, rows);
      blitLines(screen, poolLines({ state, view, theme, width: cols, height: rows, now, standalone: true, notice: notice?.text }), 0, 0, cols, rows);
      host.write(presenter.frame(screen, { x: 0, y: 0, visible: false }));
    } catch (err) {
      fail(err);
    }
  };
  const ui = throttle(draw, 50);
  const say = (text: string) => {
    notice = { text, until: Date.now() + 3000 };
    ui.request();
  };
  const act = (p: Promise<void>, ok: string) =>
    p.then(
      () => say(ok),
      (err: unknown) => say(`failed: ${err instanceof Error ? err.message : String(err)}`),
    );

  const unsubscribe = feed.subscribe((msg) => {
    state = applyFeedMessage(state, msg);
    ui.request();
  });
  const onInput = (bytes: Uint8Array) => {
    for (const key of splitKeys(decoder.decode(bytes))) {
      const r = poolKey(view, key, state.snapshot);
      view = r.view;
      const a = r.action;
      if (a?.type === "close") return done();
      if (a?.type === "pin") act(feed.pin(a.profile), a.profile ? `pinned ${a.profile}` : "unpinned");
      if (a?.type === "autoRotate") act(feed.setAutoRotate(a.enabled), a.enabled ? "auto-rotate resumed" : "auto-rotate paused");
    }
    ui.cancel();
    draw();
  };
  const onResize = () => {
    presenter.invalidate();
    ui.request();
  };
  const stop = () => done();
  const onExit = () => host.stop();
  process.on("exit", onExit);
  for (const s of QUIT_SIGNALS) process.on(s, stop);
  const ticker = setInterval(() => ui.request(), 1000);
  try {
    host.start(onInput, onResize);
    draw();
    await finished;
  } finally {
    clearInterval(ticker);
    ui.cancel();
    unsubscribe();
    host.stop();
    process.off("exit", onExit);
    for (const s of QUIT_SIGNALS) process.off(s, stop);
  }
}
