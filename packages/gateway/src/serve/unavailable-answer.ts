// A request that needs the gateway's database while it is down, answered the way its client understands: a 503
// (each client retries one) with the line saying what and since when, and `retry-after` so nobody hammers it.
import type { ClientKind } from "./limit-answer.ts";

const RETRY_AFTER_S = 5;

export function unavailableAnswer(client: ClientKind, message: string): Response {
  const headers = { "retry-after": String(RETRY_AFTER_S) };
  const code = "database_unavailable";
  if (client === "claude")
    return Response.json({ type: "error", error: { type: "api_error", message } }, { status: 503, headers });
  if (client === "openai")
    return Response.json({ error: { message, type: "server_error", param: null, code } }, { status: 503, headers });
  return Response.json({ error: { type: "server_error", code, message } }, { status: 503, headers });
}
