export { errorCode } from "./error-code.ts";
export { type JsonRecord, asArray, asNumber, asRecord, asString, isRecord, parseJson } from "./json-guards.ts";
