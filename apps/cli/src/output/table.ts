import stringWidth from "string-width";

/** Plain aligned columns (non-TTY output and simple lists). Cells may hold ANSI colour. */
export function renderTable(header: string[], rows: string[][], gap = 2): string {
  const widths = header.map((h, i) => Math.max(stringWidth(h), ...rows.map((r) => stringWidth(r[i] ?? ""))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + " ".repeat((widths[i] ?? 0) - stringWidth(c) + gap)))
      .join("")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
