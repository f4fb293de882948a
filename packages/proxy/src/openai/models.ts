import { asArray as arr, asRecord as obj, asString as str } from "@prodex/guards";

export type OpenAIModel = { id: string; object: "model"; created: number; owned_by: string };
export type OpenAIModelList = { object: "list"; data: OpenAIModel[] };

/**
 * The ChatGPT backend's model catalog (`GET /codex/models`: `{models:[{slug, visibility, …}]}`,
 * what Codex reads) → OpenAI's model list. Every slug the pool's accounts are offered is listed,
 * hidden ones too (they still serve); `created` is when the catalog was read (the catalog has none).
 */
export function modelList(catalog: unknown, created: number): OpenAIModelList {
  const seen = new Set<string>();
  const data: OpenAIModel[] = [];
  for (const raw of arr(obj(catalog)?.models)) {
    const slug = str(obj(raw)?.slug);
    if (!slug || seen.has(slug)) continue;
    seen.add(slug);
    data.push({ id: slug, object: "model", created, owned_by: "openai" });
  }
  return { object: "list", data };
}
