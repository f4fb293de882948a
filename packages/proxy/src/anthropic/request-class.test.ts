import { expect, test } from "bun:test";
import { pinsAffinity, requestClassOf } from "./request-class.ts";

test.each([
  [null, true],
  ["main", true],
  ["subagent", true],
  ["workflow", true],
  ["compaction", true],
  ["a-class-from-2027", true],
  ["auxiliary", false],
  ["side_reply", false],
])("pinsAffinity(%p) is %p", (cls, want) => expect(pinsAffinity(cls)).toBe(want));

test.each([
  [{}, null],
  [{ "x-claude-code-request-class": "" }, null],
  [{ "x-claude-code-request-class": " Auxiliary " }, "auxiliary"],
  [{ "X-Claude-Code-Request-Class": "main" }, "main"],
])("requestClassOf(%p) is %p", (headers, want) => expect(requestClassOf(new Headers(headers))).toBe(want));
