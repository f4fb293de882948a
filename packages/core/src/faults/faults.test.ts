import { describe, expect, test } from "bun:test";
import { UsageError } from "../errors.ts";
import { type FaultSpec, Faults, parseFaults } from "./faults.ts";

describe("parseFaults", () => {
  const ok: { text: string; want: FaultSpec[] }[] = [
    { text: "db.busy", want: [{ name: "db.busy", arg: null, profile: null, count: null }] },
    { text: "db.busy:1", want: [{ name: "db.busy", arg: null, profile: null, count: 1 }] },
    {
      text: "upstream.connect_refused@p1:2",
      want: [{ name: "upstream.connect_refused", arg: null, profile: "p1", count: 2 }],
    },
    {
      text: "upstream.stall_after=300@p2",
      want: [{ name: "upstream.stall_after", arg: 300, profile: "p2", count: null }],
    },
    { text: "token.hang", want: [{ name: "token.hang", arg: null, profile: null, count: null }] },
    { text: "token.hang=50@work", want: [{ name: "token.hang", arg: 50, profile: "work", count: null }] },
    {
      text: " log.disk_full:3 , token.down,token.reused@p2 ,",
      want: [
        { name: "log.disk_full", arg: null, profile: null, count: 3 },
        { name: "token.down", arg: null, profile: null, count: null },
        { name: "token.reused", arg: null, profile: "p2", count: null },
      ],
    },
    { text: "", want: [] },
  ];
  for (const c of ok) test(`parses "${c.text}"`, () => expect(parseFaults(c.text)).toEqual(c.want));

  const bad: { text: string; says: string }[] = [
    { text: "upstream.nope", says: 'unknown fault "upstream.nope"' },
    { text: "db.busy:0", says: ":count must be 1 or more" },
    { text: "db.busy=3", says: "db.busy takes no =N" },
    { text: "upstream.reset_after", says: "upstream.reset_after needs =N" },
    { text: "db busy", says: "expected name[=N][@profile][:count]" },
    { text: "token.down@", says: "expected name" },
  ];
  for (const c of bad) {
    test(`refuses "${c.text}" with one line`, () => {
      let error: unknown;
      try {
        parseFaults(c.text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UsageError);
      const e = error as UsageError;
      expect(e.message).toContain("PRODEX_FAULTS");
      expect(e.message).toContain(c.says);
      expect(e.message).not.toContain("\n");
      expect(e.hint).toContain("upstream.connect_refused");
    });
  }
});

describe("Faults", () => {
  test("unset or blank: null, so seams cost one check", () => {
    expect(Faults.fromEnv({})).toBeNull();
    expect(Faults.fromEnv({ PRODEX_FAULTS: "  " })).toBeNull();
  });

  test("counts down deterministically, per profile, in the order given", () => {
    const f = new Faults(parseFaults("upstream.connect_refused@p1:2,upstream.connect_refused:1,db.busy"));
    const seen = ["p2", "p1", "p1", "p1", "p2", "p1"].map((p) => f.take("upstream.connect_refused", p) !== null);
    // p2 takes the profile-less entry first; p1 its own two; then everything is spent.
    expect(seen).toEqual([true, true, true, false, false, false]);
    expect(f.has("upstream.connect_refused")).toBe(false);
    expect(f.count("upstream.connect_refused")).toBe(3);
    for (let i = 0; i < 5; i++) expect(f.take("db.busy")).toEqual({ arg: null });
    expect(f.has("db.busy")).toBe(true);
  });

  test("a profile-bound fault never fires for a seam without a profile", () => {
    const f = new Faults(parseFaults("token.down@p1"));
    expect(f.take("token.down")).toBeNull();
    expect(f.take("token.down", "p1")).toEqual({ arg: null });
  });

  test("hands the =N argument to the seam", () => {
    const f = new Faults(parseFaults("upstream.reset_after=512:1"));
    expect(f.take("upstream.reset_after", "p9")).toEqual({ arg: 512 });
    expect(f.take("upstream.reset_after", "p9")).toBeNull();
  });
});
