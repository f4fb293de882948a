/** The mutable world of one mock backend, shared by its routes. */
import { AccountBook, type Account } from "./accounts.ts";
import { chooseAnswer, wantsReasoning, type Answer } from "./answers.ts";
import { encryptFor } from "./encrypted.ts";
import type { AuthFailure } from "./error-bodies.ts";
import { seeded, type Rng } from "./prng.ts";
import { RequestLog } from "./recorder.ts";
import type { ResponsesBody } from "./request-body.ts";
import { newId, splitText, type ResponsePlan } from "./sse-answers.ts";
import { TokenStore } from "./tokens.ts";
import type { MockOptions, MockRates, MockStreamOptions, MockWebsocketOptions, RecordedRequest } from "./types.ts";

export type Settings = {
  stream: MockStreamOptions;
  rates: MockRates;
  reply: string;
  ttlSeconds: number;
  websocket: MockWebsocketOptions;
};

export type Auth =
  | { ok: true; account: Account; token: string }
  | { ok: false; reason: AuthFailure; account: Account | null };

export class MockState {
  url = "";
  readonly accounts = new AccountBook();
  readonly tokens = new TokenStore();
  readonly log = new RequestLog();
  readonly settings: Settings;
  rng: Rng;
  /** POST /oauth/token grants seen, including ones with unknown tokens. */
  refreshCalls = 0;
  /** Answers being streamed right now (HTTP and websocket); back to 0 once clients leave. */
  activeStreams = 0;
  /** In-flight streams and sockets, aborted when the mock stops. */
  readonly live = new AbortController();
  private turnStates = new Map<string, string>();

  constructor(options: MockOptions) {
    this.settings = {
      stream: { ...options.stream },
      rates: { ...options.rates },
      reply: options.reply ?? "hi from mock",
      ttlSeconds: options.accessTokenTtlSeconds ?? 3600,
      websocket: { ...options.websocket },
    };
    this.rng = seeded(options.rates?.seed ?? 1);
  }

  setRates(rates: MockRates): void {
    this.settings.rates = { ...rates };
    if (rates.seed !== undefined) this.rng = seeded(rates.seed);
  }

  /** Bearer token + chatgpt-account-id → the account, if the token is a live one of that account. */
  authenticate(headers: Headers): Auth {
    const header = headers.get("authorization") ?? "";
    const token = /^bearer\s+(\S+)$/i.exec(header.trim())?.[1] ?? null;
    const named = headers.get("chatgpt-account-id");
    const check = this.tokens.check(token);
    if (!check.ok)
      return { ok: false, reason: check.reason, account: named ? (this.accounts.get(named) ?? null) : null };
    // Without the header the token's own account is meant (as ChatGPT's default workspace).
    if (named && named !== check.accountId)
      return { ok: false, reason: "mismatch", account: this.accounts.get(named) ?? null };
    const account = this.accounts.get(check.accountId);
    if (!account || !token) return { ok: false, reason: "revoked", account: null };
    return { ok: true, account, token };
  }

  /** Stable per (account, turn): echo the client's value, else mint one for this turn. */
  turnState(account: Account, headers: Headers): string {
    const echoed = headers.get("x-codex-turn-state");
    if (echoed) return echoed;
    const turn = turnIdOf(headers) ?? crypto.randomUUID();
    const key = `${account.accountId}\u0000${turn}`;
    let value = this.turnStates.get(key);
    if (!value) {
      value = `mock-ts-${crypto.randomUUID().slice(0, 13)}`;
      if (this.turnStates.size > 5000) this.turnStates.clear();
      this.turnStates.set(key, value);
    }
    return value;
  }

  /** Everything needed to stream an answer for this account. */
  plan(account: Account, body: ResponsesBody, bodyChars: number, answer?: Answer): ResponsePlan {
    const chosen = answer ?? chooseAnswer(body, this.settings.reply);
    const s = this.settings.stream;
    return {
      id: newId("resp"),
      model: body.model ?? "gpt-5",
      createdAt: Math.floor(Date.now() / 1000),
      answer: chosen,
      chunks: chosen.kind === "text" ? splitText(chosen.text, s.chunks, s.chunkSize) : [],
      reasoning: wantsReasoning(body) ? encryptFor(account.accountId) : null,
      compaction: encryptFor(account.accountId),
      inputTokens: Math.max(1, Math.ceil(bodyChars / 4)),
    };
  }

  record(entry: Omit<RecordedRequest, "seq" | "time">): void {
    this.log.add({ time: Date.now(), ...entry });
  }
}

function turnIdOf(headers: Headers): string | null {
  const raw = headers.get("x-codex-turn-metadata");
  if (!raw) return null;
  try {
    const meta: unknown = JSON.parse(raw);
    if (
      typeof meta === "object" &&
      meta !== null &&
      "turn_id" in meta &&
      typeof meta.turn_id === "string" &&
      meta.turn_id
    ) {
      return meta.turn_id;
    }
  } catch {
    // Unparseable metadata: the turn is unknown, a fresh state is minted.
  }
  return null;
}
