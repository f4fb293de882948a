// Client versions in order: numeric `major.minor.patch`, a pre-release counting as its release.

function parts(v: string): number[] | null {
  const m = v.match(/^\s*v?(\d+)\.(\d+)\.(\d+)/);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** -1, 0 or 1 as `a` is older than, the same as or newer than `b`; null when either is no x.y.z. */
export function compareVersions(a: string, b: string): -1 | 0 | 1 | null {
  const x = parts(a);
  const y = parts(b);
  if (!x || !y) return null;
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] as number) > (y[i] as number) ? 1 : -1;
  return 0;
}

export function versionAtLeast(version: string, least: string): boolean {
  const c = compareVersions(version, least);
  return c !== null && c >= 0;
}
