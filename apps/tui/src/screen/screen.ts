// A grid of styled cells: what a frame looks like, independent of how it gets to the terminal.

export const Attr = {
  bold: 1,
  dim: 2,
  italic: 4,
  underline: 8,
  blink: 16,
  inverse: 32,
  invisible: 64,
  strike: 128,
  overline: 256,
} as const;

/** Colour encoding: -1 default, 0..255 palette, RGB_FLAG | 0xRRGGBB true colour. */
export const DEFAULT_COLOR = -1;
export const RGB_FLAG = 0x1000000;

export type Style = { fg: number; bg: number; attrs: number };
export const plainStyle: Style = { fg: DEFAULT_COLOR, bg: DEFAULT_COLOR, attrs: 0 };

export class Screen {
  readonly cols: number;
  readonly rows: number;
  /** Grapheme per cell; "" on the right half of a wide character. */
  readonly chars: string[];
  /** 1 normal, 2 wide head, 0 wide tail. */
  readonly width: Uint8Array;
  readonly fg: Int32Array;
  readonly bg: Int32Array;
  readonly attrs: Uint16Array;

  constructor(cols: number, rows: number) {
    this.cols = Math.max(0, cols);
    this.rows = Math.max(0, rows);
    const n = this.cols * this.rows;
    this.chars = new Array<string>(n).fill(" ");
    this.width = new Uint8Array(n).fill(1);
    this.fg = new Int32Array(n).fill(DEFAULT_COLOR);
    this.bg = new Int32Array(n).fill(DEFAULT_COLOR);
    this.attrs = new Uint16Array(n);
  }

  clear(): void {
    this.chars.fill(" ");
    this.width.fill(1);
    this.fg.fill(DEFAULT_COLOR);
    this.bg.fill(DEFAULT_COLOR);
    this.attrs.fill(0);
  }

  set(x: number, y: number, ch: string, width: number, style: Style = plainStyle): void {
    if (x < 0 || y < 0 || x >= this.cols || y >= this.rows) return;
    const i = y * this.cols + x;
    this.chars[i] = ch;
    this.width[i] = width;
    this.fg[i] = style.fg;
    this.bg[i] = style.bg;
    this.attrs[i] = style.attrs;
  }

  fill(x: number, y: number, w: number, h: number, ch = " ", style: Style = plainStyle): void {
    const x1 = Math.min(this.cols, x + w);
    const y1 = Math.min(this.rows, y + h);
    for (let yy = Math.max(0, y); yy < y1; yy++) for (let xx = Math.max(0, x); xx < x1; xx++) this.set(xx, yy, ch, 1, style);
  }

  /** Copy `src` (clipped) with its top-left at (x0, y0). */
  blit(src: Screen, x0: number, y0: number): void {
    const w = Math.min(src.cols, this.cols - x0);
    const h = Math.min(src.rows, this.rows - y0);
    for (let y = 0; y < h; y++) {
      const si = y * src.cols;
      const di = (y0 + y) * this.cols + x0;
      for (let x = 0; x < w; x++) {
        let ch = src.chars[si + x] ?? " ";
        let wd = src.width[si + x] ?? 1;
        // A wide glyph cut by the right edge would spill over: show a blank instead.
        if (wd === 2 && x === w - 1) {
          ch = " ";
          wd = 1;
        }
        this.chars[di + x] = ch;
        this.width[di + x] = wd;
        this.fg[di + x] = src.fg[si + x] ?? DEFAULT_COLOR;
        this.bg[di + x] = src.bg[si + x] ?? DEFAULT_COLOR;
        this.attrs[di + x] = src.attrs[si + x] ?? 0;
      }
    }
  }

  sameCell(other: Screen, i: number): boolean {
    return (
      this.chars[i] === other.chars[i] &&
      this.fg[i] === other.fg[i] &&
      this.bg[i] === other.bg[i] &&
      this.attrs[i] === other.attrs[i] &&
      this.width[i] === other.width[i]
    );
  }

  /** Text of one row, for tests and debugging. */
  rowText(y: number): string {
    let s = "";
    for (let x = 0; x < this.cols; x++) s += this.chars[y * this.cols + x] ?? "";
    return s;
  }

  lines(): string[] {
    return Array.from({ length: this.rows }, (_, y) => this.rowText(y).trimEnd());
  }
}
