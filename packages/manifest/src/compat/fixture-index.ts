import { join } from "node:path";
import { z } from "zod";
import type { ItemKind } from "./baseline.ts";

/** What the replay fixtures show a client sending and receiving. */
export type FixtureIndex = { paths: Set<string>; headers: Set<string>; text: string };

const Line = z.object({
  path: z.string().optional(),
  headers: z.record(z.string(), z.unknown()).optional(),
  data: z.object({ path: z.string().optional() }).optional(),
});

/** Indexes capture lines (`{method, path, headers, body}` JSONL), SSE/JSON bodies and raw header dumps. */
export async function indexFixtures(
  dir: string,
  files: readonly string[],
): Promise<{ index: FixtureIndex; missing: string[] }> {
  const index: FixtureIndex = { paths: new Set(), headers: new Set(), text: "" };
  const missing: string[] = [];
  const texts: string[] = [];
  for (const f of files) {
    const file = Bun.file(join(dir, f));
    if (!(await file.exists())) {
      missing.push(f);
      continue;
    }
    const text = await file.text();
    texts.push(text);
    if (f.endsWith(".jsonl")) {
      for (const raw of text.split("\n")) {
        if (!raw.trim()) continue;
        let json: unknown;
        try {
          json = JSON.parse(raw);
        } catch {
          continue;
        }
        const line = Line.safeParse(json);
        if (!line.success) continue;
        const path = line.data.path ?? line.data.data?.path;
        if (path) index.paths.add(path.split("?")[0] ?? path);
        for (const h of Object.keys(line.data.headers ?? {})) index.headers.add(h.toLowerCase());
      }
    } else if (f.endsWith(".headers")) {
      for (const l of text.split(/\r?\n/)) {
        const m = /^([A-Za-z0-9-]+):/.exec(l);
        if (m?.[1]) index.headers.add(m[1].toLowerCase());
      }
    }
  }
  index.text = texts.join("\n");
  return { index, missing };
}

/** Does the fixture set show this item? */
export function seenInFixtures(index: FixtureIndex, kind: ItemKind, value: string): boolean {
  switch (kind) {
    case "route":
      return [...index.paths].some((p) => p.includes(value));
    case "header":
      return index.headers.has(value.toLowerCase());
    case "event":
      return index.text.includes(`event: ${value}\n`) || index.text.includes(`"type":"${value}"`);
    default:
      return index.text.includes(value);
  }
}
