import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { z } from "zod";
import type { ProfileRow } from "@prodex/store";
import { type AuthJson, authPath, parseAuth, readAuth, writeAuth } from "../auth/auth-file.ts";
import type { Context } from "../context.ts";
import { UsageError } from "../errors.ts";
import { linkSharedState } from "./shared-state.ts";
import { validateProfileName } from "./names.ts";
import { managedHome } from "./profile-service.ts";

// A bundle moves several logins between machines. With a password it is sealed with
// AES-256-GCM (authenticated) under a scrypt-derived key; without, it is plain JSON (0600).

const entrySchema = z.object({ name: z.string(), auth: z.record(z.string(), z.unknown()) });
const plainSchema = z.object({
  format: z.literal("prodex-bundle"),
  version: z.literal(1),
  encrypted: z.literal(false),
  profiles: z.array(entrySchema),
});
const sealedSchema = z.object({
  format: z.literal("prodex-bundle"),
  version: z.literal(1),
  encrypted: z.literal(true),
  // Bounded: the parameters come from the file, and scrypt's memory is 128·N·r bytes (a huge N kills the process).
  kdf: z.object({
    name: z.literal("scrypt"),
    salt: z.string(),
    N: z
      .number()
      .int()
      .min(1024)
      .max(1 << 20),
    r: z.number().int().min(1).max(16),
    p: z.number().int().min(1).max(4),
  }),
  cipher: z.literal("aes-256-gcm"),
  iv: z.string(),
  tag: z.string(),
  data: z.string(),
});

export type BundleEntry = z.infer<typeof entrySchema>;
const KDF = { N: 1 << 15, r: 8, p: 1 };

function key(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Buffer {
  return scryptSync(password, salt, 32, { ...params, maxmem: 256 * params.N * params.r });
}

export function sealBundle(entries: BundleEntry[], password?: string): string {
  if (!password)
    return JSON.stringify({ format: "prodex-bundle", version: 1, encrypted: false, profiles: entries }, null, 2);
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(password, salt, KDF), iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(entries), "utf8"), cipher.final()]);
  return JSON.stringify({
    format: "prodex-bundle",
    version: 1,
    encrypted: true,
    kdf: { name: "scrypt", salt: salt.toString("base64"), ...KDF },
    cipher: "aes-256-gcm",
    iv: iv.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
    data: data.toString("base64"),
  });
}

export function isSealed(text: string): boolean {
  try {
    return sealedSchema.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}

export function openBundle(text: string, password?: string): BundleEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError("the bundle is not valid JSON", "use a file written by: prodex profile export");
  }
  const plain = plainSchema.safeParse(json);
  if (plain.success) return plain.data.profiles;
  const sealed = sealedSchema.safeParse(json);
  if (!sealed.success)
    throw new UsageError("the file is not a prodex bundle", "use a file written by: prodex profile export");
  if (!password)
    throw new UsageError(
      "the bundle is encrypted and no password was given",
      "set PRODEX_BUNDLE_PASSWORD or run in a terminal to be asked",
    );
  const b = sealed.data;
  try {
    const decipher = createDecipheriv(
      "aes-256-gcm",
      key(password, Buffer.from(b.kdf.salt, "base64"), b.kdf),
      Buffer.from(b.iv, "base64"),
    );
    decipher.setAuthTag(Buffer.from(b.tag, "base64"));
    const clear = Buffer.concat([decipher.update(Buffer.from(b.data, "base64")), decipher.final()]).toString("utf8");
    return z.array(entrySchema).parse(JSON.parse(clear));
  } catch {
    throw new UsageError(
      "cannot decrypt the bundle: wrong password or a damaged file",
      "check the password and the file",
    );
  }
}

export function bundleEntries(profiles: ProfileRow[]): BundleEntry[] {
  return profiles.flatMap((p) => {
    const auth = readAuth(p.codexHome);
    return auth.kind === "chatgpt" ? [{ name: p.name, auth: auth.json as Record<string, unknown> }] : [];
  });
}

export type ImportOutcome = { name: string; result: "imported" | "skipped"; why?: string };

/** Adds each bundled login as a managed profile; refuses duplicates by account id and by name. */
export function applyBundle(ctx: Context, entries: BundleEntry[]): ImportOutcome[] {
  return entries.map((entry) => {
    const name = entry.name;
    try {
      validateProfileName(name);
    } catch {
      return { name, result: "skipped", why: "invalid profile name" };
    }
    const auth = parseAuth(JSON.stringify(entry.auth), `bundle entry ${name}`);
    if (auth.kind !== "chatgpt")
      return { name, result: "skipped", why: auth.kind === "invalid" ? auth.reason : "no ChatGPT login" };
    const owner = ctx.store.profiles.byAccount(auth.accountId);
    if (owner) return { name, result: "skipped", why: `account already in the pool as "${owner.name}"` };
    if (ctx.store.profiles.get(name))
      return { name, result: "skipped", why: `a profile named "${name}" already exists` };
    const home = managedHome(ctx, name);
    // A login left behind by `profile remove` may be newer than the bundle's copy: never write over it.
    if (existsSync(authPath(home)))
      return { name, result: "skipped", why: `${home} already holds a login but no profile uses it` };
    mkdirSync(home, { recursive: true, mode: 0o700 });
    linkSharedState(home, ctx.paths.sharedCodexHome);
    writeAuth(home, entry.auth as AuthJson);
    ctx.store.profiles.insert({
      name,
      codexHome: home,
      kind: "managed",
      accountId: auth.accountId,
      email: auth.email,
      plan: auth.plan,
    });
    return { name, result: "imported" };
  });
}
