import type { PoolFixture } from "./pool-fixture.ts";

export * from "@prodex/testkit/ws-client";

export function proxyWsUrl(f: PoolFixture): string {
  return `${f.proxy.codexBaseUrl.replace(/^http/, "ws")}/responses`;
}
