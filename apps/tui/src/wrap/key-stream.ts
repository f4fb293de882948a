import { PassThrough } from "node:stream";

/**
 * Ink's stdin inside the wrapper. The real terminal's input belongs to the input router (the
 * agent must get it byte for byte: mouse reports, pastes, keys Ink has no name for); the keys
 * meant for the dashboard's own modes are written here, and components read them with useInput.
 */
export class KeyStream extends PassThrough {
  readonly isTTY = true;
  setRawMode(_mode: boolean): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}
