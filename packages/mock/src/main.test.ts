import { expect, test } from "bun:test";
import { rec, arr } from "./test-support.ts";

const main = new URL("./main.ts", import.meta.url).pathname;

test("main prints one JSON line with urls and accounts, serves, and exits 0 on SIGTERM", async () => {
  const proc = Bun.spawn(["bun", main, "--accounts", "3", "--port", "0"], { stdout: "pipe", stderr: "pipe" });
  const reader = proc.stdout.getReader();
  let line = "";
  while (!line.includes("\n")) {
    const chunk = await reader.read();
    if (chunk.done) break;
    line += new TextDecoder().decode(chunk.value);
  }
  const info = rec(JSON.parse(line));
  expect(String(info.url)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(info.baseUrl).toBe(`${info.url}/backend-api`);
  expect(info.refreshUrl).toBe(`${info.url}/oauth/token`);
  const accounts = arr(info.accounts).map(rec);
  expect(accounts.map((a) => a.id)).toEqual(["acct-mock-1", "acct-mock-2", "acct-mock-3"]);
  const auth = rec(rec(accounts[1]?.auth).tokens);
  const usage = await fetch(`${info.baseUrl}/wham/usage`, {
    headers: { authorization: `Bearer ${auth.access_token}`, "chatgpt-account-id": "acct-mock-2" },
  });
  expect(rec(await usage.json()).account_id).toBe("acct-mock-2");
  proc.kill("SIGTERM");
  expect(await proc.exited).toBe(0);
});

test("bad arguments get one clear line and exit 2", async () => {
  const proc = Bun.spawn(["bun", main, "--accounts", "zero"], { stdout: "pipe", stderr: "pipe" });
  expect(await proc.exited).toBe(2);
  const err = await new Response(proc.stderr).text();
  expect(err.split("\n")[0]).toBe('mock: --accounts must be an integer >= 1, got "zero"');
});
