import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError, writeFileAtomic } from "@prodex/core";
import { z } from "zod";

// A laptop's side of the team gateway: which gateway, and the key it authenticates with. The key comes from
// PRODEX_GATEWAY_KEY or from `prodex gateway login URL` (stored 0600); no ChatGPT token is ever on the laptop.

export type GatewayTarget = { url: string; key: string };

const stored = z.object({ gateways: z.record(z.string(), z.object({ key: z.string().min(1) })) });

export function gatewayLoginPath(prodexHome: string): string {
  return join(prodexHome, "gateway-keys.json");
}

/** Pure: a gateway URL as the launch uses it (http(s), no trailing slash), or one clear line. */
export function normalizeGatewayUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--gateway must be a URL like https://gateway.example.com, got "${value}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError(`--gateway must be an http(s) URL, got "${value}"`);
  if (url.username || url.password || url.search)
    throw new UsageError(
      "--gateway takes the gateway's address only (no credentials or query)",
      "put the key in PRODEX_GATEWAY_KEY or run: prodex gateway login URL",
    );
  return url.toString().replace(/\/+$/, "");
}

function readStored(path: string): z.infer<typeof stored> {
  if (!existsSync(path)) return { gateways: {} };
  const parsed = stored.safeParse(
    (() => {
      try {
        return JSON.parse(readFileSync(path, "utf8"));
      } catch {
        return null;
      }
    })(),
  );
  if (!parsed.success)
    throw new UsageError(
      `${path} is not a gateway key file prodex wrote`,
      `move it away and run: prodex gateway login URL`,
    );
  return parsed.data;
}

/** The gateway and its key: PRODEX_GATEWAY_KEY first, else the key `prodex gateway login` stored for that URL. */
export function gatewayTarget(
  flag: string,
  env: Record<string, string | undefined>,
  prodexHome: string,
): GatewayTarget {
  const url = normalizeGatewayUrl(flag);
  const key = env.PRODEX_GATEWAY_KEY || readStored(gatewayLoginPath(prodexHome)).gateways[url]?.key;
  if (!key)
    throw new UsageError(`no gateway key for ${url}`, `set PRODEX_GATEWAY_KEY, or run: prodex gateway login ${url}`);
  return { url, key };
}

/** Stores `key` for `url` (0600, atomic), replacing an earlier one. */
export function storeGatewayKey(prodexHome: string, url: string, key: string): string {
  const path = gatewayLoginPath(prodexHome);
  mkdirSync(prodexHome, { recursive: true, mode: 0o700 });
  const data = readStored(path);
  data.gateways[normalizeGatewayUrl(url)] = { key };
  writeFileAtomic(path, `${JSON.stringify(data, null, 2)}\n`, 0o600);
  return path;
}
