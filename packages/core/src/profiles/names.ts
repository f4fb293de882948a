import { UsageError } from "../errors.ts";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Profile names become directory names: letters, digits, `.`, `_`, `-`; no separators or `..`. */
export function validateProfileName(name: string): string {
  if (!NAME.test(name) || name.includes("..")) {
    throw new UsageError(
      `invalid profile name ${JSON.stringify(name)}`,
      "use 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit (no '/' or '..')",
    );
  }
  return name;
}

/** A default name from an email: its local part, cleaned to a valid name. */
export function nameFromEmail(email: string | null, fallback = "default"): string {
  const local = (email ?? "")
    .split("@")[0]
    ?.replace(/[^A-Za-z0-9._-]/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .replace(/\.\.+/g, ".")
    .slice(0, 64);
  return local || fallback;
}
