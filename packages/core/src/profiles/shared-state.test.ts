import { describe, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { useTempDirs } from "@prodex/testkit/temp-dirs";
import { SHARED_DIRS, SHARED_FILES, linkSharedState } from "./shared-state.ts";

const temp = useTempDirs("prodex-shared-");
const ALL = [...SHARED_DIRS, ...SHARED_FILES];

function setup(): { profile: string; shared: string } {
  const dir = temp();
  const profile = join(dir, "profiles", "p1");
  mkdirSync(profile, { recursive: true });
  return { profile, shared: join(dir, "shared-codex") };
}

describe("linkSharedState", () => {
  test("links every shared entry into a fresh home and creates the shared dirs", () => {
    const { profile, shared } = setup();
    const r = linkSharedState(profile, shared);
    expect(r).toEqual({ linked: ALL, kept: [] });
    for (const entry of ALL) {
      expect(lstatSync(join(profile, entry)).isSymbolicLink()).toBe(true);
      expect(readlinkSync(join(profile, entry))).toBe(join(shared, entry));
    }
    for (const d of SHARED_DIRS) expect(lstatSync(join(shared, d)).isDirectory()).toBe(true);
    // Writes through the link land in the shared home (history follows the user across accounts).
    writeFileSync(join(profile, "history.jsonl"), "{}\n");
    writeFileSync(join(profile, "sessions", "s1.jsonl"), "x");
    expect(readFileSync(join(shared, "history.jsonl"), "utf8")).toBe("{}\n");
    expect(existsSync(join(shared, "sessions", "s1.jsonl"))).toBe(true);
  });

  test("is idempotent: a second run changes nothing", () => {
    const { profile, shared } = setup();
    linkSharedState(profile, shared);
    expect(linkSharedState(profile, shared)).toEqual({ linked: [], kept: [] });
  });

  test("keeps real files and directories already in the profile (never clobbers)", () => {
    const { profile, shared } = setup();
    writeFileSync(join(profile, "config.toml"), "model = 'mine'\n");
    mkdirSync(join(profile, "sessions"));
    writeFileSync(join(profile, "sessions", "own.jsonl"), "own");
    const r = linkSharedState(profile, shared);
    expect(r.kept.toSorted()).toEqual(["config.toml", "sessions"]);
    expect(r.linked).toEqual(ALL.filter((e) => e !== "config.toml" && e !== "sessions"));
    expect(readFileSync(join(profile, "config.toml"), "utf8")).toBe("model = 'mine'\n");
    expect(lstatSync(join(profile, "sessions")).isDirectory()).toBe(true);
    expect(readFileSync(join(profile, "sessions", "own.jsonl"), "utf8")).toBe("own");
  });

  test("keeps a link the user pointed elsewhere", () => {
    const { profile, shared } = setup();
    const elsewhere = join(temp(), "my-history.jsonl");
    symlinkSync(elsewhere, join(profile, "history.jsonl"));
    expect(linkSharedState(profile, shared).kept).toEqual(["history.jsonl"]);
    expect(readlinkSync(join(profile, "history.jsonl"))).toBe(elsewhere);
  });

  test("keeps existing shared content", () => {
    const { profile, shared } = setup();
    mkdirSync(join(shared, "sessions"), { recursive: true });
    writeFileSync(join(shared, "sessions", "old.jsonl"), "old");
    writeFileSync(join(shared, "config.toml"), "shared = true\n");
    linkSharedState(profile, shared);
    expect(readFileSync(join(profile, "sessions", "old.jsonl"), "utf8")).toBe("old");
    expect(readFileSync(join(profile, "config.toml"), "utf8")).toBe("shared = true\n");
  });
});
