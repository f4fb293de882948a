import { hue, type Theme } from "../env/theme.ts";
import { boxed, dim, plain, seg, padEndText, type Line } from "./lines.ts";

export const wrapKeys: [string, string][] = [
  ["?", "this help"],
  ["d", "pool view: all profiles, history, events"],
  ["u", "usage view: requests, tokens per profile, model"],
  ["s / Tab", "side panel: beside / strip / hidden"],
  ["< >", "move the divider: wider / narrower panel"],
  ["a", "pause / resume auto-rotate"],
  ["1-9", "pin profile #n (0 unpins)"],
  ["[", "scroll back through the agent's output"],
  ["l", "redraw the screen"],
  ["q", "quit (Ctrl-C twice to the agent, then SIGTERM)"],
];

/** The prefix-key reference, drawn over the agent pane. */
export function helpLines(theme: Theme, prefixLabel: string, width: number): Line[] {
  const keyW = 9;
  const body: Line[] = [
    [dim(`Press ${prefixLabel}, then:`)],
    [],
    ...wrapKeys.map(([k, what]) => [seg(padEndText(k, keyW), { bold: true }), plain(what)]),
    [seg(padEndText(prefixLabel, keyW), { bold: true }), plain(`send ${prefixLabel} itself to the agent`)],
    [],
    [dim("Everything else goes to the agent untouched.")],
    [dim("Any key closes this.")],
  ];
  return boxed(body, width, theme, {
    title: [seg("prodex keys", { bold: true, hue: hue(theme, "cyan") })],
    hue: "cyan",
  });
}

export function confirmLines(theme: Theme, question: string, width: number): Line[] {
  return boxed(
    [[plain(`${question}  `), seg("y", { bold: true }), dim(" yes  "), seg("n", { bold: true }), dim(" no")]],
    width,
    theme,
    { hue: "yellow" },
  );
}
