import { describe, expect, test } from "bun:test";
import { whyNot } from "./rotate-key.ts";

describe("whether a live instance can take a rotation to key N", () => {
  const i = { id: "gw-1", host: "h1", url: "http://h1:8080" };
  const held = (ids: string[], reloadable = true, problem: string | null = null) => ({
    t: "secret-key-held" as const,
    instance: "gw-1",
    ids,
    reloadable,
    problem,
  });
  test.each([
    ["it holds N", held(["N", "O"]), null],
    ["no answer", undefined, "gw-1 on h1 (http://h1:8080) did not answer"],
    ["its file lacks N", held(["O"]), "gw-1 on h1 (http://h1:8080) does not hold it (its key file lacks it)"],
    [
      "its file could not be read",
      held(["O"], true, "cannot read the gateway secret key file /k"),
      "does not hold it (cannot read the gateway secret key file /k)",
    ],
    [
      "started with the environment variable",
      held(["O"], false),
      "was started with PRODEX_GATEWAY_SECRET_KEY, which cannot be re-read: restart it with PRODEX_GATEWAY_SECRET_KEY_FILE",
    ],
  ])("%s", (_what, answer, want) => {
    const why = whyNot(i, answer, "N");
    if (want === null) expect(why).toBeNull();
    else expect(why).toContain(want);
  });
});
