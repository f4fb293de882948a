export { SseParser, parseSse, type SseMessage } from "./sse-parser.ts";
export { encodeSse, encodeSseComment, type SseFrame } from "./sse-encode.ts";
