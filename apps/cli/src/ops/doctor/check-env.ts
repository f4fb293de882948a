import { type Finding, finding } from "./finding.ts";

const PROXY_VARS = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"];
const LOOPBACK = ["127.0.0.1", "localhost"];

/** A proxy URL with any user:password replaced, for printing. */
export function redactProxy(value: string): string {
  try {
    const u = new URL(value);
    if (u.username || u.password) {
      u.username = "***";
      u.password = "";
    }
    return u.toString().replace(/\/$/, "");
  } catch {
    return value.replace(/\/\/[^@/]*@/, "//***@");
  }
}

/** HTTP(S)_PROXY / NO_PROXY as they affect prodex: upstream goes through the proxy, loopback must not. */
export function checkProxyEnv(env: Record<string, string | undefined>): Finding[] {
  const out: Finding[] = [];
  const set = PROXY_VARS.filter((k) => env[k]);
  for (const k of set) {
    const v = env[k] as string;
    let valid = true;
    try {
      const u = new URL(v);
      valid = /^(https?|socks5h?|socks4):$/.test(u.protocol) && u.hostname !== "";
    } catch {
      valid = false;
    }
    if (!valid)
      out.push(
        finding(
          "env.proxy-invalid",
          "env",
          "warn",
          `${k}=${redactProxy(v)} is not a URL`,
          `fix or unset ${k} (e.g. http://proxy.example:8080)`,
        ),
      );
    else out.push(finding("env.proxy", "env", "info", `upstream requests go through ${k}=${redactProxy(v)}`));
  }
  if (set.length === 0)
    return [finding("env.proxy", "env", "ok", "no HTTP(S)_PROXY set: prodex connects upstream directly")];
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? "").split(",").map((s) => s.trim());
  if (!LOOPBACK.every((h) => noProxy.includes(h)) && !noProxy.includes("*")) {
    out.push(
      finding(
        "env.no-proxy",
        "env",
        "info",
        "NO_PROXY does not cover 127.0.0.1 and localhost; prodex adds them for the agents it launches",
        "for clients of prodex serve: export NO_PROXY=127.0.0.1,localhost,::1 (plus your own entries)",
      ),
    );
  }
  return out;
}
