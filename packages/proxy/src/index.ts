export { startProxy, launchEndpoints, type LaunchEndpoints, type ProxyHandle, type ProxyOptions } from "./server.ts";
export type { LaunchScope } from "./engine/launch-scope.ts";
export { CALLER_HEADER } from "./engine/request-ledger.ts";
export { LAUNCH_KEY_ENV, LAUNCH_KEY_HEADER, pathId } from "./routes/guards.ts";
export { attachBroker, type AttachOptions, type BrokerLease } from "./broker/attach.ts";
export { runBrokerProcess } from "./broker/broker-main.ts";
export { startBroker, type BrokerHandle, type BrokerOptions } from "./broker/run-broker.ts";
export { BrokerError } from "./broker/broker-error.ts";
export { brokerPaths, brokerKey, readAdminSecret, type BrokerPaths } from "./broker/broker-paths.ts";
export { brokersFor, leaseRowId } from "./broker/registration.ts";
export type { ProxyState } from "./engine/proxy-state.ts";
export { PoolRuntime } from "./pool/pool-runtime.ts";
export * from "./rotation/classify.ts";
export * from "./rotation/commit-point.ts";
export * from "./affinity/affinity-keys.ts";
export { blobKey } from "./affinity/body-scan.ts";
// The team gateway reads a request body once, the way the proxy does, to find its continuation keys.
export { BodyError, handOverBody, readRequestBody, type RequestBody } from "./upstream/request-body.ts";
// …within the same deadline for its body as the proxy's listener (the in-process hand-over has none of its own).
export { BODY_READ_MS, withBodyDeadline } from "./upstream/body-deadline.ts";
export * from "./sse/index.ts";
export { DEFAULT_MODELS, mapModel, type ModelConfig } from "./anthropic/model-map.ts";
// What the measuring tools (tools/bench, tools/load) time from outside: translation, pooled usage, the runtime log.
export {
  type AnthropicRequest,
  AnthropicStreamTranslator,
  anthropicToResponses,
  estimateTokens,
} from "./anthropic/index.ts";
export { pooledWindows } from "./engine/pooled-usage.ts";
export { RuntimeLog } from "./runtime/runtime-log.ts";
export { type MetricFamily, type Sample, prometheusText, withLabels } from "./metrics/prometheus-text.ts";
export { LabeledCounter } from "./metrics/labeled-counter.ts";
export { tokensOf } from "./metrics/proxy-metrics.ts";
export { type ClaudeOptions, DEFAULT_PING_MS } from "./routes/anthropic-routes.ts";
export { connectFeed, type FeedEndpoints } from "./client/feed-client.ts";
export { connectTeamFeed, type TeamFeedOptions } from "./client/team-feed-client.ts";
export { checkGatewayKey } from "./client/gateway-key-check.ts";
export { gatewayUsage } from "./client/gateway-usage-client.ts";
export { CONTROL_SHAPE, type ControlBody, controlBody, type FeedSource, feedStream } from "./routes/admin.ts";
export { findBrokerFeed, type BrokerFeed } from "./broker/broker-feed.ts";
export { OPENAI_BASE_PATH, type OpenAIRouteOptions, openaiKeyGuard, openaiRoutes } from "./routes/openai-routes.ts";
export { chatToResponses, type ChatTranslateOk, type ChatTranslateResult } from "./openai/chat-to-responses.ts";
export { ChatStreamTranslator, responseToChat } from "./openai/responses-to-chat.ts";
export { CHATGPT_PARAMS, type UpstreamParams } from "./openai/upstream-params.ts";
export { assembleResponse, type Assembled } from "./responses/assemble-response.ts";
// The team gateway answers Codex's ChatGPT routes for the pool and relays its websocket to the in-process proxy
// with the proxy's own socket, handshake and frame rules.
export { pooledUsageBody } from "./engine/pooled-usage.ts";
export { accountsCheckBody } from "./routes/chatgpt-local.ts";
export { UpstreamSocket } from "./websocket/upstream-socket.ts";
export { ClientPace } from "./websocket/client-pace.ts";
export { clientHandshakeHeaders, relayableClose } from "./websocket/ws-headers.ts";
export { clientResponseHeaders } from "./upstream/headers.ts";
export { MAX_FRAME_BYTES, badFrameError, errorFrame, httpErrorFrame, parseClientFrame } from "./websocket/ws-frames.ts";
