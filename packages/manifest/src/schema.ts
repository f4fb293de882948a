import { z } from "zod";
import { isRecord } from "@prodex/guards";

/** Tags that decide which lane a case runs in (exactly one per case). */
export const laneTags = [
  "runtime:parallel-safe",
  "runtime:serial",
  "runtime:stress",
  "runtime:env",
  "runtime:quarantine",
  "core:serial",
] as const;

/** Stress sub-suites, selectable with `test:stress --suite`. */
export const stressSuites = ["stress", "serialized", "continuation"] as const;

export const tags = [...laneTags, ...stressSuites, "env:parallel"] as const;

export const LaneTag = z.enum(laneTags);
export const StressSuite = z.enum(stressSuites);
export const Tag = z.enum(tags);
export type LaneTag = z.infer<typeof LaneTag>;
export type StressSuite = z.infer<typeof StressSuite>;
export type Tag = z.infer<typeof Tag>;

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "use kebab-case: lowercase letters, digits and dashes");

const repoPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !p.startsWith("./") && !p.includes("\\"), {
    message: "use a repo-relative path with forward slashes, without a leading ./ or /",
  });

const regexSource = z.string().refine(
  (s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: "not a valid regular expression" },
);

/**
 * One manifest case: a file, an exact test name (full name: describe labels and the
 * test title joined by spaces, as `bun test -t` sees it), or a name filter (regex).
 */
export const Case = z
  .object({
    id,
    label: z.string().min(1),
    file: repoPath.optional(),
    name: z.string().min(1).optional(),
    filter: regexSource.optional(),
    tags: z.array(Tag).min(1),
    /** Why the case is not parallel-safe (required for every non-parallel lane). */
    reason: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const lanes = c.tags.filter((t): t is LaneTag => (laneTags as readonly string[]).includes(t));
    if (lanes.length !== 1)
      ctx.addIssue({
        code: "custom",
        path: ["tags"],
        message: `needs exactly one lane tag (${laneTags.join(", ")}), found ${lanes.length}`,
      });
    if (c.name !== undefined && c.filter !== undefined)
      ctx.addIssue({ code: "custom", path: ["filter"], message: "use either name or filter, not both" });
    if (c.file === undefined && c.name === undefined && c.filter === undefined)
      ctx.addIssue({ code: "custom", path: ["file"], message: "name a file, an exact test name, or a filter" });
    const stress = c.tags.filter((t) => (stressSuites as readonly string[]).includes(t));
    if (stress.length > 0 && !c.tags.includes("runtime:stress"))
      ctx.addIssue({ code: "custom", path: ["tags"], message: `${stress.join(", ")} needs runtime:stress` });
    if (c.tags.includes("runtime:stress") && stress.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["tags"],
        message: `runtime:stress needs a sub-suite tag (${stressSuites.join(", ")})`,
      });
    if (c.tags.includes("env:parallel") && !c.tags.includes("runtime:env"))
      ctx.addIssue({ code: "custom", path: ["tags"], message: "env:parallel needs runtime:env" });
    if (new Set(c.tags).size !== c.tags.length)
      ctx.addIssue({ code: "custom", path: ["tags"], message: "repeated tag" });
    if (!c.tags.includes("runtime:parallel-safe") && c.reason === undefined)
      ctx.addIssue({ code: "custom", path: ["reason"], message: "say why the case is not parallel-safe" });
  });
export type Case = z.infer<typeof Case>;

/** A broad runtime shard: every runtime test file whose path starts with `filter`. */
export const Shard = z
  .object({
    label: id,
    filter: repoPath,
    timeoutMinutes: z.number().positive().max(60).default(10),
  })
  .strict();
export type Shard = z.infer<typeof Shard>;
export type ShardInput = z.input<typeof Shard>;

export const Manifest = z
  .object({
    /** Where the proxy's runtime test files live (repo-relative folder). */
    runtimeDir: repoPath.default("packages/proxy/test/runtime"),
    shards: z.array(Shard),
    cases: z.array(Case),
  })
  .strict();
export type Manifest = z.infer<typeof Manifest>;
export type ManifestInput = z.input<typeof Manifest>;

/** The lane tag of a validated case. */
export function laneTag(c: Case): LaneTag {
  const t = c.tags.find((x): x is LaneTag => (laneTags as readonly string[]).includes(x));
  if (!t) throw new Error(`case ${c.id} has no lane tag`);
  return t;
}

/** Validates a manifest, turning zod issues into one line per problem. */
export function parseManifest(input: unknown, where: string): Manifest {
  const r = Manifest.safeParse(input);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `${where}: ${describePath(input, i.path)}: ${i.message}`);
  throw new ManifestError(lines.join("\n"), r.error);
}

function describePath(input: unknown, path: PropertyKey[]): string {
  if (path[0] === "cases" && typeof path[1] === "number" && isRecord(input) && Array.isArray(input.cases)) {
    const c: unknown = input.cases[path[1]];
    const cid = isRecord(c) && typeof c.id === "string" ? c.id : `#${path[1]}`;
    return [`case ${cid}`, ...path.slice(2).map(String)].join(".");
  }
  return path.map(String).join(".") || "manifest";
}

export class ManifestError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = "ManifestError";
  }
}
