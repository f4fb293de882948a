import { describe, expect, test } from "bun:test";
import { parseCiShards } from "./ci-shards.ts";

const cases: { name: string; script: string; want: string[] | undefined }[] = [
  { name: "double quotes", script: `#!/bin/bash\nRUNTIME_SHARDS="a b"\n`, want: ["a", "b"] },
  { name: "single quotes", script: `RUNTIME_SHARDS='a'`, want: ["a"] },
  { name: "bash array", script: `RUNTIME_SHARDS=(a "b" c)`, want: ["a", "b", "c"] },
  { name: "bare word with export and comment", script: `  export RUNTIME_SHARDS=a # the only one`, want: ["a"] },
  { name: "empty list", script: `RUNTIME_SHARDS=""`, want: [] },
  { name: "first declaration wins", script: `RUNTIME_SHARDS="a"\nRUNTIME_SHARDS="b"`, want: ["a"] },
  { name: "none declared", script: `bun run test --runtime-shards "$X"`, want: undefined },
  { name: "use is not a declaration", script: `echo "$RUNTIME_SHARDS"`, want: undefined },
];

describe("parseCiShards", () => {
  for (const c of cases) test(c.name, () => expect(parseCiShards(c.script)).toEqual(c.want));
});
