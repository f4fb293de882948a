/** @prodex/mock: a faithful mock of the ChatGPT backend that Codex CLI (and the prodex proxy) talk to. */
export { createMockBackend, DEFAULT_ACCOUNTS } from "./server.ts";
export { codexConfigArgs, type CodexTarget } from "./codex-config.ts";
export { prodexEnv } from "./prodex-env.ts";
export { seeded, type Rng } from "./prng.ts";
export { exitWithParent } from "./parent-watch.ts";
export { MockError } from "./errors.ts";
export { decodeJwt, encodeJwt, CODEX_CLIENT_ID, AUTH_CLAIM, type JwtClaims } from "./jwt.ts";
export { ownerOf as encryptedOwner } from "./encrypted.ts";
export { authJsonSchema, faultSchema } from "./admin.ts";
export type {
  AuthJson,
  MockAccountInit,
  MockAccountState,
  MockBackend,
  MockCounters,
  MockFault,
  MockOptions,
  MockRates,
  MockStreamOptions,
  MockWindowInit,
  MockWindowState,
  RecordedRequest,
  RequestFilter,
} from "./types.ts";
