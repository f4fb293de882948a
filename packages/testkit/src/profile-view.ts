import type { ProfileView } from "@prodex/core";

/** A pool snapshot's row for `name`: ready, no windows, no history; `patch` sets what a test is about. */
export function profileView(name: string, patch: Partial<ProfileView> = {}): ProfileView {
  return {
    name,
    email: null,
    plan: null,
    status: "ready",
    needsLogin: false,
    windows: [],
    fetchedAt: null,
    backoff: null,
    current: false,
    requests: 0,
    errors: 0,
    latencyMs: null,
    ...patch,
  };
}
