import { Context } from "@prodex/core";
import { type Io, createIo } from "./output/io.ts";

export type Cli = { ctx: Context; io: Io };

/** Opens a Context for one command and always closes it (flushes events, releases the db). */
export async function withCli<T>(options: { quiet?: boolean }, fn: (cli: Cli) => Promise<T> | T): Promise<T> {
  const ctx = new Context({ env: process.env });
  const io = createIo(process.env, options);
  try {
    return await fn({ ctx, io });
  } finally {
    ctx.close();
  }
}
