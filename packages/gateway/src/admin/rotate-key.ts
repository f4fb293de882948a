import { randomUUID } from "node:crypto";
import { UsageError } from "@prodex/core";
import type { GatewayStore, InstanceRow } from "@prodex/store/pg";
import { GatewayError } from "../errors.ts";
import { CURRENT_KEY, NEW_KEY, type SecretKey, loadSecretKey, loadSecretKeyRing } from "../secrets/secret-key.ts";
import { TokenVault } from "../secrets/token-vault.ts";
import { INSTANCE_LEASE_MS } from "../serve/instance-registry.ts";
import { type Notice, parseNotice } from "../serve/shared-cache.ts";
import { audit, operator } from "./audit.ts";

export type RotateOptions = {
  who?: string;
  /** How long live instances get to say which keys they hold. */
  askMs?: number;
};
type Held = Extract<Notice, { t: "secret-key-held" }>;

const ADD_KEY_HINT = `on every instance's host put the new key on the first line of its ${CURRENT_KEY.file}, the current key below it; then run rotate-key again (instances re-read the file when asked, or on SIGHUP)`;

/**
 * Moves every token to a new secret key while instances keep serving. The new key is the first line of the key
 * file (or PRODEX_GATEWAY_NEW_SECRET_KEY[_FILE]); every live instance is asked to re-read its key file and must
 * answer that it holds the new key, or nothing is done. Then every row is re-sealed in one transaction and the
 * instances are told to seal with the new key.
 */
export async function rotateKey(
  store: GatewayStore,
  env: Record<string, string | undefined>,
  options: RotateOptions = {},
): Promise<{ from: string; to: string; accounts: number; instances: number }> {
  const ring = loadSecretKeyRing(env);
  const explicit = env[NEW_KEY.value] || env[NEW_KEY.file] ? loadSecretKey(env, NEW_KEY) : null;
  const vault = await TokenVault.open(store, explicit ? [...ring.keys, explicit] : ring.keys).catch((e: unknown) => {
    // The likely slip: the new key replaced the current one in the file instead of going above it.
    if (!(e instanceof GatewayError)) throw e;
    throw new GatewayError(
      e.message,
      `rotate-key needs both: the new key on the first line of ${CURRENT_KEY.file}, the current one below it`,
      { cause: e },
    );
  });
  const next = explicit ?? (ring.keys[0] as SecretKey);
  if (next.id === vault.key.id)
    throw new UsageError(
      `the new gateway secret key (id ${next.id}) is already the current one`,
      `create one with \`openssl rand -base64 32\`; ${ADD_KEY_HINT}`,
    );
  const live = await store.instances.live(INSTANCE_LEASE_MS);
  const answers = await askInstances(store, next.id, live, options.askMs ?? 3_000);
  const refusal = live.flatMap((i) => {
    const why = whyNot(i, answers.get(i.id), next.id);
    return why ? [why] : [];
  });
  if (refusal.length > 0)
    throw new GatewayError(
      `not rotated (nothing changed): ${refusal.length} of ${live.length} live instance(s) cannot use the new key (id ${next.id}): ${refusal.join("; ")}`,
      ADD_KEY_HINT,
    );
  const from = vault.key.id;
  const accounts = await vault.rotate(next);
  await store.notify({ t: "secret-key", id: next.id });
  const who = options.who ?? operator();
  await audit(store, who, "secret-key.rotated", `${from} → ${next.id}`, `${accounts} account(s) re-sealed`);
  return { from, to: next.id, accounts, instances: live.length };
}

/** Pure: why instance `i` cannot take the rotation to `id` (its answer, or none), or null when it can. */
export function whyNot(
  i: Pick<InstanceRow, "id" | "host" | "url">,
  answer: Held | undefined,
  id: string,
): string | null {
  const who = `${i.id} on ${i.host} (${i.url})`;
  if (!answer)
    return `${who} did not answer (an older prodex, or stuck: restart it with the key file; a stopped instance's registration expires within ${INSTANCE_LEASE_MS / 1000} s)`;
  if (answer.ids.includes(id)) return null;
  if (!answer.reloadable)
    return `${who} was started with ${CURRENT_KEY.value}, which cannot be re-read: restart it with ${CURRENT_KEY.file}`;
  return `${who} does not hold it${answer.problem ? ` (${answer.problem})` : " (its key file lacks it)"}`;
}

/** Asks every instance to re-read its keys and collects the answers of the `live` ones (until all or `ms`). */
async function askInstances(store: GatewayStore, id: string, live: InstanceRow[], ms: number) {
  const answers = new Map<string, Held>();
  if (live.length === 0) return answers;
  const wanted = new Set(live.map((i) => i.id));
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  const sub = await store.listen((payload) => {
    const n = parseNotice(payload);
    if (n?.t !== "secret-key-held" || !wanted.has(n.instance)) return;
    answers.set(n.instance, n);
    if (answers.size === wanted.size) done();
  });
  try {
    await store.notify({ t: "secret-key-ask", id, from: `rotate-key-${randomUUID().slice(0, 8)}` });
    await Promise.race([all, Bun.sleep(ms)]);
  } finally {
    await sub.close();
  }
  return answers;
}
