import { z } from "zod";

/** The kind of dependency an item records; decides how the replay fixtures are searched. */
export const ItemKind = z.enum(["route", "header", "event", "field", "config", "env", "string"]);
export type ItemKind = z.infer<typeof ItemKind>;

export const Item = z
  .object({
    id: z.string().min(1),
    client: z.string().min(1),
    kind: ItemKind,
    value: z.string().min(1),
    /** `binary`: a string in the installed native client; `capture`: seen in the replay fixtures. */
    checks: z.array(z.enum(["binary", "capture"])).min(1),
    /** What to look for in the binary when the client builds the value from parts. */
    binaryNeedle: z.string().min(1).optional(),
    /** The first version that has it (checked only from there on; an older binary having it is a note). */
    since: z.string().min(1).optional(),
    /** The first version without it (checked only before). */
    until: z.string().min(1).optional(),
    why: z.string().min(1),
  })
  .strict();
export type Item = z.infer<typeof Item>;

const Binary = z.object({ package: z.string().min(1), path: z.string().min(1) }).strict();

export const Client = z
  .object({
    package: z.string().min(1),
    /**
     * The npm alias the oldest supported version is installed under (root package.json), beside
     * the newest, which apps/cli pins under the package's own name.
     */
    oldestInstall: z.string().min(1),
    /** Versions found green (compat:check + the e2e suite), oldest first; `compat:add` appends. */
    checked: z.array(z.string().min(1)).optional(),
    /** Native binary per `${platform}-${arch}`, inside an optional platform package. */
    binaries: z.record(z.string(), Binary),
    fixtures: z.array(z.string().min(1)),
  })
  .strict();
export type Client = z.infer<typeof Client>;

export const Baseline = z
  .object({
    $comment: z.string().optional(),
    clients: z.record(z.string(), Client),
    /** Folders (repo-relative) searched in order for the installed client packages. */
    installRoots: z.array(z.string().min(1)).min(1),
    items: z.array(Item),
  })
  .strict()
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.items.forEach((it, i) => {
      if (seen.has(it.id)) ctx.addIssue({ code: "custom", path: ["items", i, "id"], message: `repeated id ${it.id}` });
      seen.add(it.id);
      if (!b.clients[it.client])
        ctx.addIssue({ code: "custom", path: ["items", i, "client"], message: `unknown client ${it.client}` });
    });
  });
export type Baseline = z.infer<typeof Baseline>;
