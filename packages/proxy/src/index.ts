export { startProxy, type ProxyHandle, type ProxyOptions } from "./server.ts";
export type { ProxyState } from "./engine/proxy-state.ts";
export { PoolRuntime } from "./pool/pool-runtime.ts";
export * from "./rotation/classify.ts";
export * from "./rotation/commit-point.ts";
export * from "./affinity/affinity-keys.ts";
export * from "./sse/index.ts";
export { DEFAULT_MODELS, mapModel, type ModelConfig } from "./anthropic/model-map.ts";
export { type ClaudeOptions, DEFAULT_PING_MS } from "./routes/anthropic-routes.ts";
