/** @jsxRuntime classic */
// Classic JSX (React.createElement): the entry loads React's production build at run time (load.ts),
// and the automatic runtime's development helpers do not exist in it.
import React, { useCallback, useEffect, useState } from "react";
import { useApp, useInput } from "ink";
import type { InstancesAnswer, PoolFeed, TeamFeed } from "@prodex/core/types";
import type { Theme } from "../env/theme.ts";
import { useFeedUsage } from "../feed/use-feed-usage.ts";
import { timeSignature, useNotice, useNow, usePoolFeed } from "../feed/use-pool-feed.ts";
import { FullScreen, PoolView, UsageView } from "../ui/components.tsx";
import { teamFooter, teamKeyNames, teamSectionLines, teamSectionsHeight, teamSummary } from "../ui/team-sections.ts";
import { fromInkAll } from "../wrap/ink-key.ts";
import { initialPoolView, poolKey } from "./pool-controller.ts";
import { initialTeamView, type TeamAction, teamKey } from "./team-controller.ts";

/** The team feed's instances, re-read whenever the feed says they changed. */
function useInstances(team: TeamFeed | undefined): InstancesAnswer | null {
  const [instances, setInstances] = useState(() => team?.instances() ?? null);
  useEffect(() => team?.onTeam(() => setInstances(team.instances())), [team]);
  return instances;
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
  const instances = useInstances(team);
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
    if (a?.type === "pin") act(feed.pin(a.profile), a.profile ? `pinned ${a.profile}` : "unpinned");
    if (a?.type === "autoRotate")
      act(feed.setAutoRotate(a.enabled), a.enabled ? "auto-rotate resumed" : "auto-rotate paused");
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
  if (view.usage)
    return (
      <FullScreen>
        <UsageView
          summary={usage}
          period={view.period}
          groups={team ? ["key"] : undefined}
          theme={theme}
          width={columns}
          height={rows}
          now={now}
          standalone
          notice={notice}
        />
      </FullScreen>
    );
  const sections = team
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
    <FullScreen>
      <PoolView
        state={state}
        view={view}
        theme={theme}
        width={columns}
        height={rows}
        now={now}
        standalone
        notice={teamView.confirm ? `revoke key ${teamView.confirm}? y revokes it, any other key keeps it` : notice}
        heading={team ? `prodex team ${team.url}` : undefined}
        summary={team ? teamSummary(state.snapshot, team.who.instance, theme) : undefined}
        sections={sections}
        keys={team ? teamFooter(team.who, theme) : undefined}
      />
    </FullScreen>
  );
}
