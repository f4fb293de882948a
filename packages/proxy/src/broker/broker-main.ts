import { Context, type Env } from "@prodex/core";
import { envMs } from "./env-ms.ts";
import { startBroker } from "./run-broker.ts";

/**
 * The broker process (`prodex __broker --upstream URL`): runs until its last lease ended plus
 * the grace period, or until SIGTERM/SIGINT (in-flight streams drain for up to
 * PRODEX_BROKER_DRAIN_MS; a second signal stops at once). Its stdout/stderr are the broker log.
 */
export async function runBrokerProcess(options: { env: Env; upstream: string; port?: number }): Promise<number> {
  const { env } = options;
  const ctx = new Context({ env, source: `broker:${process.pid}` });
  const broker = await startBroker({
    ctx,
    upstream: options.upstream,
    port: options.port,
    graceMs: envMs(env.PRODEX_BROKER_GRACE_MS, 5_000),
  });
  const drainMs = envMs(env.PRODEX_BROKER_DRAIN_MS, 10_000);
  process.stderr.write(
    `${new Date().toISOString()} prodex broker pid ${process.pid} on ${broker.url} for ${broker.proxy.state.upstreamBase}\n`,
  );
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) process.exit(1);
    process.stderr.write(`${new Date().toISOString()} ${signal}: draining (up to ${drainMs} ms)\n`);
    void broker.stop(signal, drainMs);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  // No terminal owns this process; a hangup of the one that started it is not ours to act on.
  process.on("SIGHUP", () => {});
  const reason = await broker.done;
  process.stderr.write(`${new Date().toISOString()} prodex broker stopped (${reason})\n`);
  return 0;
}
