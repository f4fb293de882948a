/**
 * What a quit left switched on in a terminal, judged from every byte written to it: the
 * alternate screen, a hidden cursor, bracketed paste, mouse or focus reporting, application keys.
 * Empty when the terminal is as it was.
 */
export function strayModesIn(written: string): string[] {
  const stray: string[] = [];
  const last = (re: RegExp) => [...written.matchAll(re)].at(-1)?.[1];
  const modes = [
    ["1049", "alternate screen"],
    ["25", "hidden cursor"],
    ["2004", "bracketed paste"],
    ["1000", "mouse"],
    ["1002", "mouse drag"],
    ["1003", "mouse motion"],
    ["1006", "SGR mouse"],
    ["1004", "focus events"],
    ["1", "application cursor keys"],
  ] as const;
  for (const [mode, name] of modes) {
    const on = last(new RegExp(`\\x1b\\[\\?${mode}([hl])`, "g"));
    if (mode === "25" ? on === "l" : on === "h") stray.push(name);
  }
  return stray;
}
