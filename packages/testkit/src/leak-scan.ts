import { readFileSync } from "node:fs";
import { walkTree } from "./file-tree.ts";

// Looks for known secrets in everything a run left behind: outputs, files, event rows.

export type Secret = { label: string; value: string };
export type Source = { where: string; text: string };

/** The parts of a secret that must not show up either: a JWT's signature, a refresh token's random tail. */
export function fragments(value: string): string[] {
  const out = [value];
  const jwt = value.split(".");
  if (jwt.length === 3 && (jwt[2] ?? "").length >= 16) out.push(jwt[2] as string);
  const rt = /^rt_mock_([0-9a-f]{16,})$/.exec(value)?.[1];
  if (rt) out.push(rt);
  return out;
}

/** "<label> in <where>" for every secret (or fragment) found in a source. */
export function findLeaks(secrets: Secret[], sources: Source[]): string[] {
  const leaks: string[] = [];
  for (const s of sources) {
    for (const secret of secrets) {
      if (fragments(secret.value).some((f) => s.text.includes(f))) leaks.push(`${secret.label} in ${s.where}`);
    }
  }
  return [...new Set(leaks)];
}

/** Every regular file under `root` as a source (bytes as latin1: tokens are ASCII, databases are binary). */
export function fileSources(root: string, label: string, skip: (rel: string) => boolean = () => false): Source[] {
  const out: Source[] = [];
  walkTree(root, ({ path, rel, stat }) => {
    if (skip(rel)) return false;
    if (stat.isFile()) out.push({ where: `${label}/${rel}`, text: readFileSync(path).toString("latin1") });
  });
  return out;
}
