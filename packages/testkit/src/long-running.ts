import type { Subprocess } from "bun";
import { CLI } from "./cli-env.ts";

export type Running = {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** Resolves with the first complete stdout line (rejects if the process ends first). */
  firstLine: Promise<string>;
  /** Everything on stdout / stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Waits for the exit (killing it after `ms`). */
  exit(ms?: number): Promise<number>;
};

async function drain(stream: ReadableStream<Uint8Array>, sink: (text: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) sink(decoder.decode(chunk, { stream: true }));
}

/** Starts `prodex <args>` (or another command) and collects its output while it runs. */
export function startProdex(args: string[], env: Record<string, string>, cmd: string[] = ["bun", CLI]): Running {
  const proc = Bun.spawn([...cmd, ...args], { cwd: env.HOME, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  let out = "";
  let err = "";
  let lineResolve: (line: string) => void = () => {};
  let lineReject: (e: Error) => void = () => {};
  const firstLine = new Promise<string>((resolve, reject) => {
    lineResolve = resolve;
    lineReject = reject;
  });
  // Callers that never wait for a line must not see an unhandled rejection when it exits.
  firstLine.catch(() => {});
  const outDone = drain(proc.stdout, (t) => {
    out += t;
    const nl = out.indexOf("\n");
    if (nl >= 0) lineResolve(out.slice(0, nl));
  });
  const errDone = drain(proc.stderr, (t) => {
    err += t;
  });
  void proc.exited.then(async () => {
    await Promise.all([outDone, errDone]);
    lineReject(new Error(`exited ${proc.exitCode} before printing a line\n--- stderr\n${err}`));
  });
  return {
    proc,
    firstLine,
    stdout: () => out,
    stderr: () => err,
    async exit(ms = 30_000) {
      const timer = setTimeout(() => proc.kill("SIGKILL"), ms);
      const code = await proc.exited;
      clearTimeout(timer);
      await Promise.all([outDone, errDone]);
      return code;
    },
  };
}
