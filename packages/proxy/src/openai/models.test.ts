import { describe, expect, test } from "bun:test";
import { modelList } from "./models.ts";

describe("modelList", () => {
  const cases: { name: string; catalog: unknown; ids: string[] }[] = [
    {
      name: "every slug, in catalog order, hidden ones too",
      catalog: { models: [{ slug: "gpt-5" }, { slug: "gpt-5-codex", visibility: "hide" }] },
      ids: ["gpt-5", "gpt-5-codex"],
    },
    {
      name: "duplicates and entries without a slug skipped",
      catalog: { models: [{ slug: "a" }, { slug: "a" }, { name: "b" }, 3] },
      ids: ["a"],
    },
    { name: "not a catalog: empty list", catalog: { detail: "nope" }, ids: [] },
    { name: "null", catalog: null, ids: [] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const list = modelList(c.catalog, 1700000000);
      expect(list.object).toBe("list");
      expect(list.data.map((m) => m.id)).toEqual(c.ids);
      for (const m of list.data)
        expect(m).toEqual({ id: m.id, object: "model", created: 1700000000, owned_by: "openai" });
    });
  }
});
