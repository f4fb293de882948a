import { type LaunchEndpoints, type ModelConfig, attachBroker, startProxy } from "@prodex/proxy";
import type { Cli } from "../cli-context.ts";

export type LaunchProxy = {
  endpoints: LaunchEndpoints;
  /** On the shared broker (true), or a proxy of this process alone. */
  shared: boolean;
  /** Ends the lease (broker) or stops the proxy (in-process). */
  close(): Promise<void>;
};

export type LaunchProxyOptions = { upstream: string; profile: string; autoRotate: boolean; models?: ModelConfig };

// The compiled binary's modules live in Bun's virtual /$bunfs: prodex is its own executable.
const COMPILED = import.meta.url.includes("$bunfs");

/**
 * Pure: how this prodex starts a broker. The compiled binary runs itself; from source or the
 * npm bundle it is Bun plus the entry script it was started with.
 */
export function brokerCommand(
  upstream: string,
  self: { execPath: string; argv: string[]; compiled: boolean } = {
    execPath: process.execPath,
    argv: process.argv,
    compiled: COMPILED,
  },
): string[] {
  const entry = self.argv[1];
  const prefix = self.compiled || !entry ? [self.execPath] : [self.execPath, entry];
  return [...prefix, "__broker", "--upstream", upstream];
}

/** Whether launches share the broker: yes unless PRODEX_BROKER=0 (or off/false). */
export function useBroker(env: Record<string, string | undefined>): boolean {
  const v = (env.PRODEX_BROKER ?? "").trim().toLowerCase();
  return !["0", "off", "false", "no"].includes(v);
}

/**
 * The proxy a launch points its agent at: a lease on the shared broker of this PRODEX_HOME and
 * upstream (started if none runs), or with PRODEX_BROKER=0 a proxy in this process.
 */
export async function openLaunchProxy(cli: Cli, o: LaunchProxyOptions): Promise<LaunchProxy> {
  const { ctx, io } = cli;
  if (!useBroker(io.env)) {
    const proxy = await startProxy({
      ctx,
      upstreamBase: o.upstream,
      preferred: o.profile,
      autoRotate: o.autoRotate,
      claude: o.models ? { models: o.models } : undefined,
    });
    return { endpoints: proxy, shared: false, close: () => proxy.stop() };
  }
  let lost = false;
  let revived: number | null = null;
  const lease = await attachBroker({
    ctx,
    upstream: o.upstream,
    command: brokerCommand(o.upstream),
    env: io.env,
    lease: { profile: o.profile, autoRotate: o.autoRotate, models: o.models ?? null },
    onLost: () => {
      lost = true;
    },
    onRevived: (pid) => {
      revived = pid;
    },
  });
  const started = lease.broker.pid;
  return {
    endpoints: lease,
    shared: true,
    async close() {
      await lease.release();
      // Said at the end: during the run the agent owns the terminal.
      if (revived !== null)
        io.warn(
          `the shared proxy (pid ${started}) died during the run; a new one (pid ${revived}) took over on its port; see ${lease.broker.log}`,
        );
      if (lost)
        io.warn(`the shared proxy (pid ${lease.broker.pid}) stopped answering during the run; see ${lease.broker.log}`);
    },
  };
}
