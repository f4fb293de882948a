import { EventEmitter } from "node:events";
import type { ReactElement } from "react";
import { render } from "ink";
import { KeyStream } from "../src/wrap/key-stream.ts";

// ink-testing-library for screens wider than its fixed 100 columns: Ink in debug mode writes
// every frame whole, so the last write is the frame as text.

class FrameStdout extends EventEmitter {
  frames: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string, done?: () => void) => {
    // Ink also writes "" to wait for a flush; that is not a frame.
    if (frame) this.frames.push(frame);
    if (typeof done === "function") queueMicrotask(done);
    return true;
  };
}

export function renderAt(el: ReactElement, cols: number, rows: number) {
  const stdout = new FrameStdout(cols, rows);
  const stdin = new KeyStream();
  const app = render(el, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    patchConsole: false,
    exitOnCtrlC: false,
  });
  return {
    frames: stdout.frames,
    lastFrame: () => stdout.frames.at(-1),
    stdin,
    rerender: (next: ReactElement, size?: { cols: number; rows: number }) => {
      if (size) {
        stdout.columns = size.cols;
        stdout.rows = size.rows;
      }
      app.rerender(next);
    },
    unmount: () => app.unmount(),
  };
}
