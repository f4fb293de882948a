import { hue, type Theme } from "../env/theme.ts";
import { dim, seg, type Line } from "./lines.ts";

/** What every full-screen view (the pool view, the usage view) is drawn with. */
export type ScreenProps = {
  theme: Theme;
  width: number;
  height: number;
  now: number;
  /** The agent's name, for "esc back to codex". */
  title?: string;
  /** Standalone (`prodex dashboard`): q quits instead of going back to the agent. */
  standalone?: boolean;
  notice?: string;
};

/** A full-screen view's last line: the notice when there is one, else its keys and how to leave. */
export function footerLine(props: ScreenProps, keys: string): Line {
  if (props.notice) return [seg(` ${props.notice}`, { hue: hue(props.theme, "yellow") })];
  const back = props.standalone ? "q quit" : `esc back to ${props.title ?? "agent"}`;
  return [dim(` ${keys} ${props.theme.g.dot} ${back}`)];
}
