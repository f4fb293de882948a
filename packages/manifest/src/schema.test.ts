import { describe, expect, test } from "bun:test";
import { manifest } from "./manifest.ts";
import { Case, ManifestError, laneTag, parseManifest } from "./schema.ts";

const ok = {
  id: "a-case",
  label: "A case",
  file: "packages/proxy/test/runtime/a.test.ts",
  tags: ["runtime:serial"],
  reason: "binds a fixed port",
};

const invalid: { name: string; input: Record<string, unknown>; error: RegExp }[] = [
  { name: "no lane tag", input: { ...ok, tags: ["stress"] }, error: /exactly one lane tag/ },
  { name: "two lane tags", input: { ...ok, tags: ["runtime:serial", "runtime:env"] }, error: /exactly one lane tag/ },
  { name: "stress without a sub-suite", input: { ...ok, tags: ["runtime:stress"] }, error: /needs a sub-suite/ },
  {
    name: "sub-suite without runtime:stress",
    input: { ...ok, tags: ["runtime:serial", "continuation"] },
    error: /needs runtime:stress/,
  },
  {
    name: "env:parallel without runtime:env",
    input: { ...ok, tags: ["runtime:serial", "env:parallel"] },
    error: /env:parallel needs runtime:env/,
  },
  { name: "name and filter together", input: { ...ok, name: "x", filter: "y" }, error: /either name or filter/ },
  {
    name: "selects nothing",
    input: { id: "x", label: "x", tags: ["runtime:serial"], reason: "r" },
    error: /name a file/,
  },
  { name: "serial without a reason", input: { ...ok, reason: undefined }, error: /say why/ },
  { name: "invalid filter regex", input: { ...ok, filter: "(" }, error: /not a valid regular expression/ },
  { name: "id not kebab-case", input: { ...ok, id: "Bad Id" }, error: /kebab-case/ },
  { name: "absolute path", input: { ...ok, file: "/abs/a.test.ts" }, error: /repo-relative/ },
  { name: "unknown tag", input: { ...ok, tags: ["runtime:fast"] }, error: /Invalid/ },
  { name: "unknown key", input: { ...ok, owner: "me" }, error: /Unrecognized key/ },
];

describe("Case", () => {
  test("a valid case parses", () => {
    expect(Case.parse(ok).id).toBe("a-case");
  });

  test("parallel-safe needs no reason", () => {
    expect(Case.safeParse({ id: "p", label: "p", file: "a.test.ts", tags: ["runtime:parallel-safe"] }).success).toBe(
      true,
    );
  });

  for (const c of invalid) {
    test(`rejects: ${c.name}`, () => {
      const r = Case.safeParse(c.input);
      expect(r.success).toBe(false);
      expect(r.error?.issues.map((i) => i.message).join("\n")).toMatch(c.error);
    });
  }

  test("laneTag picks the lane tag among sub-suite tags", () => {
    expect(laneTag(Case.parse({ ...ok, tags: ["continuation", "runtime:stress"] }))).toBe("runtime:stress");
  });
});

describe("parseManifest", () => {
  test("the project manifest is valid", () => {
    const m = parseManifest(manifest, "manifest.ts");
    expect(m.shards.map((s) => s.label)).toContain("runtime-proxy");
    expect(m.runtimeDir).toBe("packages/proxy/test/runtime");
  });

  test("errors name the case and the field, one line each", () => {
    const bad = { shards: [], cases: [ok, { ...ok, id: "second", tags: ["runtime:stress"] }] };
    expect(() => parseManifest(bad, "m.json")).toThrow(ManifestError);
    expect(() => parseManifest(bad, "m.json")).toThrow(/^m\.json: case second\.tags: runtime:stress needs a sub-suite/);
  });

  test("shard timeout defaults to 10 minutes", () => {
    expect(
      parseManifest({ shards: [{ label: "s", filter: "packages/proxy/test/runtime/" }], cases: [] }, "m").shards[0]
        ?.timeoutMinutes,
    ).toBe(10);
  });
});
