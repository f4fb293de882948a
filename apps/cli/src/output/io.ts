import pc from "picocolors";

/** Where a command writes: stdout for results only, stderr for prodex's own messages. */
export type Io = {
  out: (text: string) => void;
  err: (text: string) => void;
  /** prodex's own notes (silenced by --quiet); never on stdout. */
  note: (text: string) => void;
  warn: (text: string) => void;
  isTTY: boolean;
  color: boolean;
  env: Record<string, string | undefined>;
};

export function colorEnabled(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0") return true;
  return isTTY && env.TERM !== "dumb";
}

export function createIo(env: Record<string, string | undefined> = process.env, options: { quiet?: boolean } = {}): Io {
  const isTTY = Boolean(process.stdout.isTTY);
  const color = colorEnabled(env, Boolean(process.stderr.isTTY));
  const paint = pc.createColors(color);
  return {
    out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
    note: (text) => {
      if (!options.quiet) process.stderr.write(`${paint.dim("prodex:")} ${text}\n`);
    },
    warn: (text) => {
      if (!options.quiet) process.stderr.write(`${paint.yellow("prodex: warning:")} ${text}\n`);
    },
    isTTY,
    color: colorEnabled(env, isTTY),
    env,
  };
}
