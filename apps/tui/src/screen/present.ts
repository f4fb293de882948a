import { cursorBytes, diffScreens, type CursorState } from "./diff.ts";
import { Screen } from "./screen.ts";

const BSU = "\x1b[?2026h"; // begin synchronized update: terminals that know it paint atomically
const ESU = "\x1b[?2026l";

/** Remembers what the terminal shows and turns each new frame into the minimal bytes. */
export class Presenter {
  private prev: Screen | null = null;
  private spare: Screen | null = null;
  private cursor: CursorState | null = null;

  /**
   * A blank screen to draw the next frame on. Frames alternate between two buffers, so steady
   * drawing allocates nothing (no GC pauses in the middle of typing).
   */
  canvas(cols: number, rows: number): Screen {
    const s = this.spare;
    this.spare = null;
    if (!s || s.cols !== cols || s.rows !== rows) return new Screen(cols, rows);
    s.clear();
    return s;
  }

  /** Forget the terminal contents: the next frame repaints everything. */
  invalidate(): void {
    this.prev = null;
    this.cursor = null;
  }

  get shown(): Screen | null {
    return this.prev;
  }

  frame(next: Screen, cursor: CursorState): string {
    const body = diffScreens(this.prev, next);
    const last = this.cursor;
    if (this.prev !== next) this.spare = this.prev;
    this.prev = next;
    this.cursor = cursor;
    if (!body) return cursorBytes(cursor, last, false);
    // Hide the cursor while drawing so it does not flicker across the screen.
    const hide = !last || last.visible ? "\x1b[?25l" : "";
    const tail = cursorBytes(cursor, { x: -1, y: -1, visible: false }, true);
    return BSU + hide + body + tail + ESU;
  }
}
