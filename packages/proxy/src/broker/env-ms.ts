/** A duration knob from the environment: a whole number of ms, else the default. */
export function envMs(value: string | undefined, fallback: number): number {
  if (value === undefined || !/^\d+$/.test(value.trim())) return fallback;
  return Number(value.trim());
}
