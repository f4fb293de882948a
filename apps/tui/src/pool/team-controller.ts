import type { GatewayRole, PoolSnapshot } from "@prodex/core/types";
import type { Key } from "../wrap/keys.ts";
import { type PoolAction, type PoolViewState, poolKey } from "./pool-controller.ts";

/** The team dashboard's own state: the key `[` / `]` select, and the revoke waiting for its y. */
export type TeamViewState = { key: number; confirm: string | null };

export const initialTeamView: TeamViewState = { key: 0, confirm: null };

export type TeamAction =
  | PoolAction
  | { type: "revoke"; key: string }
  /** A key press the dashboard says no to, and why (shown as the notice). */
  | { type: "say"; text: string };

export type TeamContext = { role: GatewayRole; name: string; keys: readonly string[] };

/** What each pool-view change is called when a viewer key is told it needs an admin key. */
const ADMIN_ONLY: Record<Exclude<PoolAction["type"], "close">, string> = {
  pin: "pinning",
  autoRotate: "pausing rotation",
  pause: "pausing an account",
};

/** Why a viewer key's pin, pause or revoke is not sent. */
export function readOnlyWhy(ctx: TeamContext, what: string): string {
  return `${ctx.name} is a ${ctx.role} key: ${what} needs an admin key`;
}

/**
 * One key in the team dashboard → the new pool-view and team state and what to do. The pool view's keys work as in
 * the local dashboard (pin, unpin and pause act on the whole pool); `[` `]` pick a key, `x` asks to revoke it and
 * only `y` then does. A viewer key's changes are refused here, saying why, instead of being sent to fail.
 */
export function teamKey(
  view: PoolViewState,
  team: TeamViewState,
  key: Key,
  snap: PoolSnapshot,
  ctx: TeamContext,
): { view: PoolViewState; team: TeamViewState; action?: TeamAction } {
  const n = ctx.keys.length;
  const sel = Math.min(team.key, Math.max(0, n - 1));
  const ch = key.name === "char" ? key.ch : "";
  if (team.confirm) {
    const done = { ...team, confirm: null };
    if (ch === "y" || ch === "Y") return { view, team: done, action: { type: "revoke", key: team.confirm } };
    return { view, team: done, action: { type: "say", text: `kept ${team.confirm}` } };
  }
  if (!view.editing) {
    if (ch === "[") return { view, team: { ...team, key: Math.max(0, sel - 1) } };
    if (ch === "]") return { view, team: { ...team, key: Math.min(Math.max(0, n - 1), sel + 1) } };
    if (ch === "x") {
      if (ctx.role !== "admin") return { view, team, action: { type: "say", text: readOnlyWhy(ctx, "revoking") } };
      const name = ctx.keys[sel];
      if (!name) return { view, team, action: { type: "say", text: "no key to revoke: none used the pool today" } };
      // Revoked from here, the dashboard would lose its own key mid-sentence: that is a deliberate command instead.
      if (name === ctx.name)
        return {
          view,
          team,
          action: { type: "say", text: `${name} is the key this dashboard uses: prodex gateway key revoke ${name}` },
        };
      return { view, team: { key: sel, confirm: name } };
    }
  }
  const r = poolKey(view, key, snap);
  const change = r.action && r.action.type !== "close" ? ADMIN_ONLY[r.action.type] : null;
  if (change && ctx.role !== "admin")
    return { view: r.view, team, action: { type: "say", text: readOnlyWhy(ctx, change) } };
  return { view: r.view, team, action: r.action };
}
