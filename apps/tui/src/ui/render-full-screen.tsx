import type { ReactElement } from "react";
import { render, type Instance, type RenderOptions } from "ink";
import type { TtyOutput } from "../wrap/terminal-host.ts";

export type ScreenSize = { cols: number; rows: number };

const sizeOf = (out: TtyOutput): ScreenSize => ({
  cols: Math.max(1, out.columns ?? 80),
  rows: Math.max(1, out.rows ?? 24),
});

/**
 * An Ink app that owns the whole terminal (alternate screen), drawn at the terminal's size.
 * The size reaches the tree as props, re-rendered synchronously on a resize before Ink repaints:
 * Ink's own resize repaint would otherwise draw the old layout once at the new size, and a
 * full-screen frame that wraps or overflows leaves the incremental renderer out of step.
 */
export function renderFullScreen(
  app: (size: ScreenSize) => ReactElement,
  opts: Omit<RenderOptions, "stdout"> & { stdout: TtyOutput },
): Instance {
  const stdout = opts.stdout;
  let ink: Instance | null = null;
  const onResize = () => ink?.rerender(app(sizeOf(stdout)));
  // Before Ink's own listener, which is added by render().
  stdout.on("resize", onResize);
  ink = render(app(sizeOf(stdout)), {
    interactive: true,
    alternateScreen: true,
    incrementalRendering: true,
    patchConsole: false,
    exitOnCtrlC: false,
    ...opts,
    stdout: stdout as NodeJS.WriteStream,
  });
  const inst = ink;
  const unmount = inst.unmount;
  inst.unmount = (...args: Parameters<Instance["unmount"]>) => {
    stdout.off("resize", onResize);
    unmount(...args);
  };
  return inst;
}
