import { isBusy } from "../errors.ts";
import type { Store } from "../store.ts";

/**
 * The store writes that may leave the caller's path: bookkeeping whose result nobody waits for
 * (the timeline, continuation bindings, backoffs, usage seen in answers, the current profile, the
 * usage ledger).
 * Each is a repository method named here, so an op is plain data that can cross to the writer
 * thread, and the worker can call nothing else.
 */
export const DEFERRABLE = {
  events: ["append"],
  bindings: ["putByName"],
  backoffs: ["set", "clear"],
  usage: ["insert"],
  profiles: ["markSelected", "update"],
  ledger: ["record"],
} as const;

type Deferrable = typeof DEFERRABLE;
type Repo<R extends keyof Deferrable> = Store[R];
type Method<R extends keyof Deferrable> = Deferrable[R][number];
type Fn = (...args: never[]) => unknown;
type Args<R extends keyof Deferrable, M extends Method<R>> = M extends keyof Repo<R>
  ? Repo<R>[M] extends Fn
    ? Parameters<Repo<R>[M]>
    : never
  : never;

/** One deferred write: `store[repo][method](...args)`, checked by the compiler. */
export type WriteOp = {
  [R in keyof Deferrable]: { [M in Method<R>]: { repo: R; method: M; args: Args<R, M> } }[Method<R>];
}[keyof Deferrable];

/**
 * What became of a batch: its first `done` ops are finished (written, or `dropped` when one failed
 * on its own); when `busy`, the store refused the rest, to be written again later.
 */
export type BatchResult = { done: number; dropped: number; busy: boolean };

export function isDeferrable(op: { repo: unknown; method: unknown }): op is WriteOp {
  const methods = (DEFERRABLE as Record<string, readonly string[] | undefined>)[String(op.repo)];
  return methods?.includes(String(op.method)) === true;
}

function apply(store: Store, op: WriteOp): void {
  // Ops cross a thread boundary as plain data: only the methods named above are ever called.
  if (!isDeferrable(op)) throw new Error("not a deferrable store write");
  const repo = store[op.repo] as unknown as Record<string, (...args: unknown[]) => unknown>;
  repo[op.method]?.(...op.args);
}

/**
 * One transaction for the batch. A busy store refuses it whole (the caller keeps it for a
 * retry); any other failure is one op's doing (a profile removed meanwhile, a broken row), so
 * the ops are then written one by one and only the failing ones are dropped.
 */
export function applyBatch(store: Store, ops: readonly WriteOp[]): BatchResult {
  try {
    store.transaction(() => {
      for (const op of ops) apply(store, op);
    });
    return { done: ops.length, dropped: 0, busy: false };
  } catch (error) {
    if (isBusy(error)) return { done: 0, dropped: 0, busy: true };
  }
  let dropped = 0;
  for (const [i, op] of ops.entries()) {
    try {
      store.transaction(() => apply(store, op));
    } catch (error) {
      if (isBusy(error)) return { done: i, dropped, busy: true };
      dropped++;
    }
  }
  return { done: ops.length, dropped, busy: false };
}
