export { Case, Manifest, Shard, Tag, laneTags, stressSuites, tags, parseManifest, ManifestError } from "./schema.ts";
export type { ManifestInput, LaneTag, StressSuite } from "./schema.ts";
export { manifest } from "./manifest.ts";
export { checkManifest, type Problem } from "./guard/guard.ts";
export { scanSource, scanFile, type ScannedFile, type ScannedTest } from "./scan/scan-tests.ts";
export { loadContext, findRoot, type Context } from "./load.ts";
