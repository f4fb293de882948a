// The Bun prodex is built and tested with (.ci/run installs the same one; the npm package pins it).
export const TESTED_BUN = "1.4.4";

/** Same major.minor as the tested Bun counts as supported (patch releases are compatible). */
export function bunSupported(version: string, tested = TESTED_BUN): boolean {
  const [a, b] = version.split(".");
  const [x, y] = tested.split(".");
  return a === x && b === y;
}
