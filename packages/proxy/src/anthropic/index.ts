export * from "./types.ts";
export {
  anthropicToResponses,
  type TranslateOptions,
  type TranslateOk,
  type TranslateResult,
} from "./anthropic-to-responses.ts";
export { AnthropicStreamTranslator, ANTHROPIC_PING, type StreamTranslatorOptions } from "./responses-to-anthropic.ts";
export {
  responsesToAnthropicMessage,
  collectNonStream,
  mapUsage,
  stopReasonOf,
  failureOf,
  type MessageOptions,
  type CollectResult,
} from "./responses-to-message.ts";
export {
  mapModel,
  mapEffort,
  DEFAULT_MODELS,
  BUDGET_THRESHOLDS,
  type ModelConfig,
  type ModelFamily,
  type MappedModel,
} from "./model-map.ts";
export {
  toAnthropicError,
  anthropicError,
  errorTypeForStatus,
  errorTypeForCode,
  readUpstreamError,
  type AnthropicErrorResponse,
  type ToAnthropicErrorOptions,
} from "./errors.ts";
export { estimateTokens, jsonChars, CHARS_PER_TOKEN, IMAGE_TOKENS } from "./count-tokens.ts";
export { listModels, getModel, CLAUDE_MODELS, type AnthropicModelInfo, type AnthropicModelList } from "./models.ts";
export { encodeSignature, decodeSignature, type ProdexSignature } from "./signature.ts";
export { upstreamToolName, rememberToolName } from "./tool-names.ts";
export { TranslateError, fromZodError } from "./translate-error.ts";
