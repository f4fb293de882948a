/** An instant as the gateway's answers and events write it: UTC to the second ("2026-12-07T10:47:47Z"). */
export const isoSecond = (at: number): string => new Date(at).toISOString().replace(/\.\d+Z$/, "Z");
