import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Paths } from "@prodex/core";
import { type Finding, finding } from "./finding.ts";

export type FileKind = "dir" | "secret" | "data";
const EXPECTED: Record<FileKind, number> = { dir: 0o700, secret: 0o600, data: 0o600 };

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

/**
 * One path's permissions. Anything group/world can read or enter is too open: an error for a
 * login (auth.json holds live tokens), a warning for directories and the database.
 */
export function modeFinding(kind: FileKind, path: string, mode: number, isOwner: boolean, profile?: string): Finding {
  const id = kind === "secret" ? "files.auth-mode" : kind === "dir" ? "files.dir-mode" : "files.db-mode";
  const chmod = `chmod ${kind === "dir" ? "700" : "600"} ${path}`;
  if (!isOwner)
    return finding(
      id,
      "files",
      kind === "secret" ? "error" : "warn",
      `${path} belongs to another user`,
      `chown it to yourself, or set PRODEX_HOME to a directory you own`,
      { path, profile },
    );
  if ((mode & 0o077) === 0) return finding(id, "files", "ok", `${path} is ${octal(mode)}`, null, { path, profile });
  const who = mode & 0o007 ? "everyone" : "your group";
  return finding(
    id,
    "files",
    kind === "secret" ? "error" : "warn",
    `${path} is ${octal(mode)}: ${who} can ${kind === "dir" ? "look inside" : "read it"} (want ${octal(EXPECTED[kind])})`,
    chmod,
    { path, profile },
  );
}

function check(kind: FileKind, path: string, profile?: string): Finding | null {
  let s: ReturnType<typeof statSync>;
  try {
    s = statSync(path);
  } catch {
    return null;
  }
  const uid = process.getuid?.();
  return modeFinding(kind, path, s.mode, uid === undefined || s.uid === uid, profile);
}

function summarize(found: (Finding | null)[], what: string): Finding[] {
  const real = found.filter((f): f is Finding => f !== null);
  // One line for all the healthy paths keeps the report short.
  const ok = real.filter((f) => f.severity === "ok");
  const rest = real.filter((f) => f.severity !== "ok");
  return ok.length ? [finding("files.modes", "files", "ok", `${what}: ${ok.length} path(s) private`), ...rest] : rest;
}

/** PRODEX_HOME, the profiles dir and the database files (before anything opens the database). */
export function checkHomeFiles(paths: Paths): Finding[] {
  if (!existsSync(paths.prodexHome))
    return [
      finding(
        "files.home",
        "files",
        "info",
        `${paths.prodexHome} does not exist yet (a fresh machine)`,
        "prodex login, or try prodex demo",
        { path: paths.prodexHome },
      ),
    ];
  const files = [paths.db, `${paths.db}-wal`, `${paths.db}-shm`].map((f) => check("data", f));
  return summarize(
    [check("dir", paths.prodexHome), check("dir", paths.profilesDir), ...files],
    "PRODEX_HOME and database",
  );
}

/** Each managed profile home (0700) and every profile's auth.json (0600). */
export function checkProfileFiles(
  homes: { name: string; codexHome: string; kind: "managed" | "external" }[],
): Finding[] {
  const found: (Finding | null)[] = [];
  for (const h of homes) {
    if (h.kind === "managed") found.push(check("dir", h.codexHome, h.name));
    found.push(check("secret", join(h.codexHome, "auth.json"), h.name));
  }
  return summarize(found, "profile homes and logins");
}
