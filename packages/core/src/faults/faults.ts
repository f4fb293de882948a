import { z } from "zod";
import { UsageError } from "../errors.ts";

/**
 * Fault injection for tests and drills: `PRODEX_FAULTS` names failures the seams below make
 * happen on purpose. Off by default; unset costs one null check per seam (`ctx.faults`).
 * Every seam and what it does: docs/faults.md.
 */
export const FAULT_NAMES = [
  /** Proxy → upstream HTTP: the connection is refused; nothing is sent. */
  "upstream.connect_refused",
  /** Proxy → upstream HTTP: the request is sent, the connection resets before the answer. */
  "upstream.reset_before_first_byte",
  /** `=N`: the answer's body resets after N bytes. */
  "upstream.reset_after",
  /** `=N`: the answer's body stops after N bytes and never ends. */
  "upstream.stall_after",
  /** Token refresh: the token endpoint cannot be reached. */
  "token.down",
  /** Token refresh: the endpoint answers 401 `refresh_token_reused`. */
  "token.reused",
  /** Token refresh: blocks with the profile's refresh lock held, before the endpoint is called (`=ms`, default: forever). */
  "token.hang",
  /** Store: a write statement fails with SQLITE_BUSY. */
  "db.busy",
  /** Runtime log: an append writes part of its lines, then fails with ENOSPC. */
  "log.disk_full",
] as const;

export type FaultName = (typeof FAULT_NAMES)[number];

/** Faults that need `=N`; the others refuse one, except token.hang where it is optional. */
const NEEDS_ARG: ReadonlySet<FaultName> = new Set(["upstream.reset_after", "upstream.stall_after"]);
const TAKES_ARG: ReadonlySet<FaultName> = new Set([...NEEDS_ARG, "token.hang"]);

const specSchema = z
  .object({
    name: z.enum(FAULT_NAMES),
    arg: z.number().int().nonnegative().nullable(),
    profile: z.string().min(1).nullable(),
    count: z.number().int().positive({ message: ":count must be 1 or more" }).nullable(),
  })
  .superRefine((s, ctx) => {
    if (NEEDS_ARG.has(s.name) && s.arg === null)
      ctx.addIssue({ code: "custom", message: `${s.name} needs =N (bytes)` });
    if (!TAKES_ARG.has(s.name) && s.arg !== null) ctx.addIssue({ code: "custom", message: `${s.name} takes no =N` });
  });

export type FaultSpec = z.infer<typeof specSchema>;

/** `name[=N][@profile][:count]`; count = how many times it fires (default: every time). */
const ENTRY = /^([a-z_.]+)(?:=(\d+))?(?:@([^:@=,\s]+))?(?::(\d+))?$/;

/** Parses `PRODEX_FAULTS`; one UsageError naming the bad entry on a mistake. */
export function parseFaults(text: string): FaultSpec[] {
  const specs: FaultSpec[] = [];
  for (const raw of text.split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    const m = ENTRY.exec(entry);
    if (!m) throw faultError(entry, "expected name[=N][@profile][:count]");
    const name = m[1] ?? "";
    if (!(FAULT_NAMES as readonly string[]).includes(name)) throw faultError(entry, `unknown fault "${name}"`);
    const parsed = specSchema.safeParse({
      name,
      arg: m[2] === undefined ? null : Number(m[2]),
      profile: m[3] ?? null,
      count: m[4] === undefined ? null : Number(m[4]),
    });
    if (!parsed.success) throw faultError(entry, parsed.error.issues[0]?.message ?? "invalid");
    specs.push(parsed.data);
  }
  return specs;
}

function faultError(entry: string, why: string): UsageError {
  return new UsageError(
    `PRODEX_FAULTS: ${why} in "${entry}"`,
    `known faults: ${FAULT_NAMES.join(", ")}; unset PRODEX_FAULTS to run without faults`,
  );
}

/** What fired: the spec's `=N` (null when it has none). */
export type Fired = { arg: number | null };

/**
 * The armed faults of one process, with deterministic counters: each entry fires in order
 * for matching calls until its count is spent. Seams call `take` only when `ctx.faults` is set.
 */
export class Faults {
  private readonly left: (number | null)[];
  private readonly fired = new Map<FaultName, number>();

  constructor(readonly specs: readonly FaultSpec[]) {
    this.left = specs.map((s) => s.count);
  }

  /** Null when `PRODEX_FAULTS` is unset or empty: no seam does anything. */
  static fromEnv(env: Record<string, string | undefined>): Faults | null {
    const text = env.PRODEX_FAULTS?.trim();
    if (!text) return null;
    const specs = parseFaults(text);
    return specs.length ? new Faults(specs) : null;
  }

  /** Whether `name` is armed at all (for seams that set up once). */
  has(name: FaultName): boolean {
    return this.specs.some((s, i) => s.name === name && this.left[i] !== 0);
  }

  /** Fires `name` for `profile` (null: a seam with no profile) if an entry matches and has count left. */
  take(name: FaultName, profile: string | null = null): Fired | null {
    for (let i = 0; i < this.specs.length; i++) {
      const s = this.specs[i];
      const left = this.left[i];
      if (!s || s.name !== name || left === 0) continue;
      if (s.profile !== null && s.profile !== profile) continue;
      if (left !== null && left !== undefined) this.left[i] = left - 1;
      this.fired.set(name, (this.fired.get(name) ?? 0) + 1);
      return { arg: s.arg };
    }
    return null;
  }

  /** How often `name` fired in this process. */
  count(name: FaultName): number {
    return this.fired.get(name) ?? 0;
  }
}
