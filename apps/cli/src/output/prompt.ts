import { UsageError } from "@prodex/core";

/** Reads a secret from the terminal without echo. Fails clearly when there is no terminal. */
export async function promptSecret(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY)
    throw new UsageError("a password is needed but stdin is not a terminal", "set PRODEX_BUNDLE_PASSWORD");
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  let value = "";
  try {
    for await (const chunk of stdin) {
      for (const ch of String(chunk)) {
        if (ch === "\r" || ch === "\n") return value;
        if (ch === "\u0003") throw new UsageError("cancelled");
        if (ch === "\u007f") value = value.slice(0, -1);
        else value += ch;
      }
    }
    return value;
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write("\n");
  }
}
