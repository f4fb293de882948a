import { describe, expect, test } from "bun:test";
import { sampleSnapshot } from "../ui/fixtures.ts";
import { splitKeys } from "../wrap/keys.ts";
import { initialPoolView } from "./pool-controller.ts";
import { type TeamAction, type TeamContext, type TeamViewState, initialTeamView, teamKey } from "./team-controller.ts";

const snap = sampleSnapshot(0);
const admin: TeamContext = { role: "admin", name: "lead", keys: ["dev-1", "dev-2", "ci"] };
const viewer: TeamContext = { ...admin, role: "viewer", name: "watch" };

function press(input: string, ctx: TeamContext, team: TeamViewState = initialTeamView) {
  let v = initialPoolView;
  let t = team;
  const actions: TeamAction[] = [];
  for (const k of splitKeys(input)) {
    const r = teamKey(v, t, k, snap, ctx);
    v = r.view;
    t = r.team;
    if (r.action) actions.push(r.action);
  }
  return { view: v, team: t, actions };
}

describe("teamKey", () => {
  const cases: [string, string, TeamContext, Partial<ReturnType<typeof press>>][] = [
    ["] and [ move over the keys, within bounds", "]]]]", admin, { team: { key: 2, confirm: null }, actions: [] }],
    ["[ stops at the first", "][[", admin, { team: { key: 0, confirm: null } }],
    ["x asks before revoking the selected key", "]x", admin, { team: { key: 1, confirm: "dev-2" }, actions: [] }],
    [
      "y then revokes it",
      "]xy",
      admin,
      { team: { key: 1, confirm: null }, actions: [{ type: "revoke", key: "dev-2" }] },
    ],
    [
      "any other key keeps it, and is used up by the answer",
      "xq",
      admin,
      { actions: [{ type: "say", text: "kept dev-1" }] },
    ],
    [
      "pin and pause act on the whole pool (the pool view's keys)",
      "jpa",
      admin,
      {
        actions: [
          { type: "pin", profile: "personal" },
          { type: "autoRotate", enabled: false },
        ],
      },
    ],
    [
      "a viewer's pin is not sent: it says why",
      "p",
      viewer,
      {
        actions: [{ type: "say", text: "watch is a viewer key: pinning needs an admin key" }],
      },
    ],
    [
      "a viewer's pause",
      "a",
      viewer,
      {
        actions: [{ type: "say", text: "watch is a viewer key: pausing rotation needs an admin key" }],
      },
    ],
    [
      "s pauses the selected account pool-wide",
      "js",
      admin,
      { actions: [{ type: "pause", profile: "personal", paused: true }] },
    ],
    [
      "a viewer's account pause is not sent: it says why",
      "s",
      viewer,
      { actions: [{ type: "say", text: "watch is a viewer key: pausing an account needs an admin key" }] },
    ],
    [
      "a viewer's revoke",
      "x",
      viewer,
      {
        team: initialTeamView,
        actions: [{ type: "say", text: "watch is a viewer key: revoking needs an admin key" }],
      },
    ],
    [
      "nothing to revoke before any key used the pool",
      "x",
      { ...admin, keys: [] },
      {
        actions: [{ type: "say", text: "no key to revoke: none used the pool today" }],
      },
    ],
    [
      "the dashboard's own key is not revoked from here: it says how instead",
      "x",
      { ...admin, keys: ["lead", "dev-1"] },
      {
        team: initialTeamView,
        actions: [{ type: "say", text: "lead is the key this dashboard uses: prodex gateway key revoke lead" }],
      },
    ],
    ["a viewer still moves, filters and quits", "jfq", viewer, { actions: [{ type: "close" }] }],
  ];
  for (const [name, input, ctx, want] of cases) test(name, () => expect(press(input, ctx)).toMatchObject(want));

  test("while typing a search, [ ] and x are text, not commands", () => {
    const r = press("/x]", admin);
    expect(r.view.text).toBe("x]");
    expect(r.team).toEqual(initialTeamView);
    expect(r.actions).toEqual([]);
  });
});
