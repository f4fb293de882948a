import { describe, expect, test } from "bun:test";
import { findLeaks } from "@prodex/testkit/leak-scan";
import { usePgCluster } from "@prodex/testkit/use-pg-cluster";
import { parsePromText, promSum } from "@prodex/testkit/prom-text";
import { createKey } from "../src/index.ts";
import { codexTurn, gatewayWorld } from "./gateway-world.ts";

// `/metrics` on a gateway instance: valid Prometheus text (a strict parser), the proxy's series under the names
// `prodex serve` uses plus the gateway's own, for admin and viewer keys only,
// and nothing secret in it — no gateway key, no account token, no launch secret, no prompt text.
const cluster = usePgCluster();

const PROMPT = "purple-elephant-prompt-4242";

describe("gateway /metrics", () => {
  test("valid, per instance, counts what was served, secret-free; viewer yes, user no", async () => {
    const w = await gatewayWorld(cluster(), [{ id: "acct-a" }, { id: "acct-b" }]);
    try {
      const viewer = (await createKey(w.store, "lead", "viewer")).key;
      const g = await w.start();
      const input = [{ type: "message", role: "user", content: [{ type: "input_text", text: PROMPT }] }];
      for (let i = 0; i < 3; i++)
        expect((await codexTurn(g.url, w.key, { input, model: i === 0 ? "gpt-5-codex" : "gpt-5" })).status).toBe(200);
      expect((await fetch(`${g.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${g.url}/metrics`, { headers: { authorization: `Bearer ${w.key}` } })).status).toBe(403);
      const res = await fetch(`${g.url}/metrics`, { headers: { authorization: `Bearer ${viewer}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
      const text = await res.text();
      const all = parsePromText(text);
      const families = new Map(all.map((f) => [f.name, f]));
      const sum = (name: string, where: Record<string, string> = {}) => promSum(all, name, where);
      expect(sum("prodex_requests_total", { client: "codex", outcome: "completed" })).toBe(3);
      expect(sum("prodex_errors_total")).toBe(0);
      expect(sum("prodex_ttfb_seconds_count")).toBe(3);
      const rows = await (async () => {
        for (let i = 0; i < 100; i++) {
          const r = await w.store.ledger.since(0);
          if (r.length === 3) return r;
          await Bun.sleep(20);
        }
        return w.store.ledger.since(0);
      })();
      expect(sum("prodex_gateway_key_tokens_total", { key: "dev", kind: "output" })).toBe(
        rows.reduce((n, r) => n + r.outputTokens, 0),
      );
      expect(sum("prodex_tokens_total", { model: "gpt-5-codex", kind: "input" })).toBe(
        rows.filter((r) => r.model === "gpt-5-codex").reduce((n, r) => n + r.inputTokens, 0),
      );
      expect(sum("prodex_gateway_database_up")).toBe(1);
      // The proxy's own series under the same names as on a laptop: tokens by account (the profile label) too.
      expect(sum("prodex_tokens_total", { kind: "output" })).toBe(rows.reduce((n, r) => n + r.outputTokens, 0));
      expect(families.has("prodex_store_writer_lag_seconds")).toBe(true);
      expect(families.get("prodex_remaining_percent")?.samples.length).toBeGreaterThan(0);
      for (const f of families.values()) for (const s of f.samples) expect(s.labels.instance).toBe(g.instance);

      const tokens = w.mock
        .accounts()
        .flatMap((a) => [
          ...a.tokens.access.map((value) => ({ label: `${a.id} access token`, value })),
          ...a.tokens.refresh.map((value) => ({ label: `${a.id} refresh token`, value })),
        ]);
      expect(tokens.length).toBeGreaterThan(0);
      const secrets = [
        { label: "user key", value: w.key },
        { label: "viewer key", value: viewer },
        { label: "launch secret", value: g.proxy.secret },
        { label: "prompt", value: PROMPT },
        ...tokens,
      ];
      expect(findLeaks(secrets, [{ where: "/metrics", text }])).toEqual([]);
    } finally {
      await w.close();
    }
  }, 60_000);
});
