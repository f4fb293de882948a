import type { ApiKeyRole, GatewayStore } from "@prodex/store/pg";
import { keyHash } from "../admin/api-keys.ts";
import type { DbHealth } from "./db-health.ts";
import { dbUnavailableLine } from "./db-unavailable.ts";

export type KeyCheck = { ok: true; name: string; role: ApiKeyRole } | { ok: false; status: 401 | 503; message: string };

const TTL_MS = 60_000;

/** Where a client may put its gateway key: Codex and scripts as a bearer token, Claude Code as its API key. */
export function presentedKey(headers: Headers): string | null {
  const bearer = headers.get("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return headers.get("x-prodex-gateway-key") ?? headers.get("x-api-key") ?? bearer ?? null;
}

/**
 * Gateway keys, checked by hash. A known key is answered from memory; a revocation anywhere empties every
 * instance's memory at once (notification), so the next request with a revoked key is refused.
 */
export class KeyAuth {
  private readonly known = new Map<string, { name: string; role: ApiKeyRole; at: number }>();

  constructor(
    private readonly store: GatewayStore,
    private readonly health: DbHealth,
    private readonly now: () => number = Date.now,
  ) {}

  forget(): void {
    this.known.clear();
  }

  async check(key: string | null): Promise<KeyCheck> {
    if (!key)
      return {
        ok: false,
        status: 401,
        message: "prodex gateway: a gateway key is required (Authorization: Bearer KEY, or x-api-key)",
      };
    const hash = keyHash(key);
    const hit = this.known.get(hash);
    if (hit && (this.now() - hit.at < TTL_MS || !this.health.current.ok))
      return { ok: true, name: hit.name, role: hit.role };
    try {
      const row = await this.store.apiKeys.byHash(hash);
      this.health.up();
      if (!row) {
        this.known.delete(hash);
        return { ok: false, status: 401, message: "prodex gateway: unknown or revoked gateway key" };
      }
      this.known.set(hash, { name: row.name, role: row.role, at: this.now() });
      return { ok: true, name: row.name, role: row.role };
    } catch (e) {
      this.health.failed(e);
      if (hit) return { ok: true, name: hit.name, role: hit.role };
      return {
        ok: false,
        status: 503,
        message: dbUnavailableLine(
          "a key this instance has not seen cannot be checked",
          this.health.current,
          this.now(),
        ),
      };
    }
  }
}
