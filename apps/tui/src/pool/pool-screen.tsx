/** @jsxRuntime classic */
// Classic JSX (React.createElement): the entry loads React's production build at run time (load.ts),
// and the automatic runtime's development helpers do not exist in it.
import React, { useCallback, useEffect, useState } from "react";
import { useApp, useInput } from "ink";
import type { InstancesAnswer, PoolFeed, TeamFeed, TeamLink } from "@prodex/core/types";
import type { Theme } from "../env/theme.ts";
import { useFeedUsage } from "../feed/use-feed-usage.ts";
import { timeSignature, useNotice, useNow, usePoolFeed } from "../feed/use-pool-feed.ts";
import { PoolScreenView } from "../ui/components.tsx";
import { teamFooter, teamKeyNames, teamSectionLines, teamSectionsHeight, teamSummary } from "../ui/team-sections.ts";
import { fromInkAll } from "../wrap/ink-key.ts";
import { poolActionCall } from "./pool-action.ts";
import { initialPoolView, poolKey } from "./pool-controller.ts";
import { initialTeamView, type TeamAction, teamKey } from "./team-controller.ts";

type TeamParts = { instances: InstancesAnswer | null; link: TeamLink | undefined };

const teamParts = (team: TeamFeed | undefined): TeamParts => ({
  instances: team?.instances() ?? null,
  link: team?.link(),
});

/** The team feed's instances and how its reads go, re-read whenever the feed says they changed. */
function useTeamParts(team: TeamFeed | undefined): TeamParts {
  const [parts, setParts] = useState(() => teamParts(team));
  useEffect(() => team?.onTeam(() => setParts(teamParts(team))), [team]);
  return parts;
}

/**
 * `prodex dashboard`: the pool view alone (or, `t`, the usage view), full screen, live from the feed, until q / Esc /
 * Ctrl-C. With a team feed (`--gateway URL`), the same views of the shared pool: the instances and the top keys
 * beside the accounts, usage per key, and key revocation.
 */
export function PoolScreen(props: { feed: PoolFeed; team?: TeamFeed; theme: Theme; cols: number; rows: number }) {
  const { feed, team, theme } = props;
  const { exit } = useApp();
  const { cols: columns, rows } = props;
  const state = usePoolFeed(feed);
  const { instances, link } = useTeamParts(team);
  const [view, setView] = useState(initialPoolView);
  const [teamView, setTeamView] = useState(initialTeamView);
  const [notice, say] = useNotice();
  // The team view shows its top keys beside the pool: its usage is always wanted.
  const usage = useFeedUsage(feed, view.usage || team !== undefined);
  const now = useNow(useCallback((t: number) => timeSignature(state, t, { clock: true }), [state]));
  const act = (p: Promise<void>, ok: string) =>
    p.then(
      () => say(ok),
      (err: unknown) => say(`failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  const run = (a: TeamAction | undefined) => {
    const pool = a && a.type !== "revoke" && a.type !== "say" ? poolActionCall(feed, a) : null;
    if (pool) act(pool.call, pool.done);
    if (a?.type === "revoke" && team) act(team.revoke(a.key), `revoked ${a.key}`);
    if (a?.type === "say") say(a.text);
  };
  const keys = teamKeyNames(usage);
  useInput((input, key) => {
    let v = view;
    let t = teamView;
    for (const k of fromInkAll(input, key)) {
      const r =
        team && !v.usage
          ? teamKey(v, t, k, state.snapshot, { role: team.who.role, name: team.who.name, keys })
          : { ...poolKey(v, k, state.snapshot), team: t };
      v = r.view;
      t = r.team;
      if (r.action?.type === "close") return exit();
      run(r.action);
    }
    setView(v);
    setTeamView(t);
  });
  const sections =
    team && !view.usage
      ? teamSectionLines({
          instances,
          topKeys: usage,
          attached: team.who.instance,
          selectedKey: Math.min(teamView.key, Math.max(0, keys.length - 1)),
          theme,
          width: columns,
          height: teamSectionsHeight(rows, state.snapshot.profiles.length),
        })
      : undefined;
  return (
    <PoolScreenView
      state={state}
      view={view}
      usage={usage}
      theme={theme}
      width={columns}
      height={rows}
      now={now}
      standalone
      notice={teamView.confirm ? `revoke key ${teamView.confirm}? y revokes it, any other key keeps it` : notice}
      groups={team ? ["key"] : undefined}
      pool={
        team
          ? {
              heading: `prodex team ${team.url}`,
              summary: teamSummary(state.snapshot, team.who.instance, theme, link, now),
              sections,
              keys: teamFooter(team.who, theme),
            }
          : undefined
      }
    />
  );
}
