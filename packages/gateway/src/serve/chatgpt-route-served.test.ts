import { expect, test } from "bun:test";
import { chatgptRouteServed } from "./chatgpt-route-served.ts";

test.each([
  ["/backend-api/codex/responses", true],
  ["/backend-api/codex/responses/compact", true],
  ["/backend-api/codex/models", true],
  ["/backend-api/codex/analytics-events/events", true],
  ["/backend-api/wham/usage", true],
  ["/backend-api/wham/accounts/check", true],
  ["/backend-api/wham/profiles/me", false],
  ["/backend-api/wham/tasks/list", false],
  ["/backend-api/wham/environments", false],
  ["/backend-api/wham/settings/user", false],
  ["/backend-api/wham/usage/thread_usage/query", false],
  ["/backend-api/ps/plugins/installed", false],
  ["/backend-api/ps/mcp", false],
  ["/backend-api/", false],
  ["/v1/messages", true],
  ["/openai/v1/responses", true],
] as const)("%s served: %p", (path, want) => {
  expect(chatgptRouteServed(path)).toBe(want);
});
