import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type SchemaId, schemas } from "../../apps/cli/src/output/schemas/index.ts";
import { REPO, type CliEnv, cliEnv } from "@prodex/testkit/cli-env";
import { startProdex } from "@prodex/testkit/long-running";

// Every `--json` output, produced for real and validated against its zod schema
// (apps/cli/src/output/schemas/), and every schema documented in docs/json.md.

let world: CliEnv;
const seen = new Set<SchemaId>();

beforeAll(async () => {
  world = await cliEnv([
    { id: "acct-a", primary: { usedPercent: 30 } },
    { id: "acct-b", primary: { usedPercent: 100, resetAfterSeconds: 600 } },
  ]);
  // A serve run leaves events and a runtime log behind for logs --json / --runtime --json.
  const serving = startProdex(["serve", "--json"], world.env);
  const line = JSON.parse(await serving.firstLine);
  check("prodex.serve/v1", line);
  serving.proc.kill("SIGTERM");
  expect(await serving.exit()).toBe(0);
}, 60_000);

afterAll(async () => {
  await world.close();
});

function check(id: SchemaId, json: unknown): void {
  expect((json as { schema?: unknown }).schema).toBe(id);
  const parsed = schemas[id].safeParse(json);
  if (!parsed.success)
    throw new Error(`${id}: ${JSON.stringify(parsed.error.issues, null, 2)}\n${JSON.stringify(json)}`);
  seen.add(id);
}

async function json(args: string[], id: SchemaId, code = 0): Promise<void> {
  const r = await world.prodex(args);
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stdout.trim().split("\n");
  // Documents are one line; logs are JSON Lines.
  if (id === "prodex.event/v1" || id === "prodex.runtime-log/v1") {
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) check(id, JSON.parse(l));
  } else {
    expect(lines).toHaveLength(1);
    check(id, JSON.parse(lines[0] as string));
  }
}

describe("--json outputs match their schemas", () => {
  test.each<[string[], SchemaId]>([
    [["--version", "--json"], "prodex.version/v1"],
    [["profile", "list", "--json"], "prodex.profiles/v1"],
    [["quota", "--all", "--json"], "prodex.quota/v1"],
    [["info", "--json"], "prodex.info/v1"],
    [["doctor", "--json"], "prodex.doctor/v1"],
    [["logs", "--json"], "prodex.event/v1"],
    [["logs", "--runtime", "--json"], "prodex.runtime-log/v1"],
    [["usage", "--json"], "prodex.usage/v1"],
  ])("prodex %j → %s", (args, id) => json(args, id), 60_000);

  test("every schema was produced, and docs/json.md documents each", () => {
    expect([...seen].sort()).toEqual((Object.keys(schemas) as SchemaId[]).sort());
    const doc = readFileSync(join(REPO, "docs/json.md"), "utf8");
    for (const id of Object.keys(schemas)) expect(doc).toContain(`\`${id}\``);
  });
});
