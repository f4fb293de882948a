import type { ModelConfig } from "../anthropic/model-map.ts";

/**
 * Who a request comes from: the one launch of an in-process proxy, or the broker lease whose
 * secret it carries. Set by the secret guards; read by forward(), the websocket and the routes
 * whose answer depends on the launch.
 */
export type LaunchScope = {
  /** "launch" in-process; the lease id on a broker. */
  id: string;
  /** The profile the launch's agent runs as (its CODEX_HOME): the agent's own token refreshes go there. */
  profile: string | null;
  /** false (`--no-auto-rotate` on a broker): this launch's requests stay on `profile`. */
  autoRotate: boolean;
  /** Claude family → model mapping of this launch (null: the proxy's). */
  models: ModelConfig | null;
  /** Who the usage ledger says sent the request (the team gateway's key name); absent: the launch itself. */
  caller?: string;
};

/** Hono's typed context variables for the proxy's routes. */
export type ProxyEnv = {
  Variables: {
    scope: LaunchScope;
    /** The request carried the launch's secret in its header (set on `/s/<path id>/…` only). */
    keyed: boolean;
  };
};

/** The profile a scope's requests are held to, or null when the pool may choose. */
export function stayOn(scope: LaunchScope | undefined): string | null {
  return scope && !scope.autoRotate ? scope.profile : null;
}

/** Whether a request that failed before commit may move on to another account. */
export function mayRotate(pool: { autoRotate: boolean }, scope: LaunchScope | undefined): boolean {
  return pool.autoRotate && (scope?.autoRotate ?? true);
}
