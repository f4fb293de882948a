// Which of Codex's ChatGPT routes (under `/backend-api/`) a gateway serves. Everything there would otherwise go
// upstream on a pool account's credentials, and most of it is that account's own data: its profile, cloud tasks,
// environments, connected apps, workspace messages. A key must never read those (issue 17, "What a key sees"), so
// only what Codex needs to work is served: its inference routes (responses, models, compaction, analytics), and
// `wham/usage` / `wham/accounts/check`, which the gateway answers itself for the pool (codex-account-routes.ts).
// Codex runs without the rest (plugin lists, user settings): it logs their refusal and goes on.

const ANSWERED = new Set(["wham/usage", "wham/accounts/check"]);

/** Pure: is `path` (the request's path) a route the gateway serves? Paths outside `/backend-api/` are not its to say. */
export function chatgptRouteServed(path: string): boolean {
  if (!path.startsWith("/backend-api/")) return true;
  const rest = path.slice("/backend-api/".length);
  return rest.startsWith("codex/") || ANSWERED.has(rest);
}
