import { errorMessage } from "@prodex/core";
import { type Finding, finding } from "./finding.ts";

/** Any HTTP answer from the upstream base counts as reachable (auth is checked per profile). */
export async function checkUpstream(base: string, fetchImpl: typeof fetch, timeoutMs = 4_000): Promise<Finding> {
  const url = `${base.replace(/\/+$/, "")}/wham/usage`;
  const started = performance.now();
  try {
    const res = await fetchImpl(url, { method: "GET", signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    await res.body?.cancel();
    const ms = Math.round(performance.now() - started);
    return finding("network.upstream", "network", "ok", `${base} answers (HTTP ${res.status} in ${ms} ms)`);
  } catch (e) {
    const timedOut = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
    const why = timedOut ? `no answer within ${timeoutMs / 1000}s` : errorMessage(e);
    return finding(
      "network.upstream",
      "network",
      "error",
      `cannot reach ${base}: ${why}`,
      "check your connection and HTTPS_PROXY, or pass --base-url / set CODEX_CHATGPT_BASE_URL",
    );
  }
}
