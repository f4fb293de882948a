import { CLI } from "./cli-env.ts";

// A team gateway as tests drive it: `prodex gateway serve` as a real process, and a Codex-shaped request through it.

export type ServedGateway = { proc: ReturnType<typeof Bun.spawn>; url: string; instance: string };

/** `prodex gateway serve` on a free loopback port with exactly `env`; resolves once it listens (its JSON line). */
export async function serveGateway(env: Record<string, string>): Promise<ServedGateway> {
  const proc = Bun.spawn(["bun", CLI, "gateway", "serve", "--listen", "127.0.0.1:0", "--json", "--quiet"], {
    env,
    stdout: "pipe",
    stderr: "pipe",
  });
  const reader = proc.stdout.getReader();
  const { value } = await Promise.race([reader.read(), Bun.sleep(20_000).then(() => ({ value: undefined }))]);
  reader.releaseLock();
  if (!value) {
    proc.kill("SIGKILL");
    throw new Error(`gateway serve did not start: ${await new Response(proc.stderr).text()}`);
  }
  const info = JSON.parse(new TextDecoder().decode(value)) as { url: string; instance: string };
  return { proc, ...info };
}

/** A Codex-shaped streamed request through a gateway instance; resolves with the status and the whole body. */
export async function codexTurn(
  gatewayUrl: string,
  key: string,
  body: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(`${gatewayUrl}/backend-api/codex/responses`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${key}`,
      "content-type": "application/json",
      accept: "text/event-stream",
      ...headers,
    },
    body: JSON.stringify({
      model: "gpt-5",
      instructions: "",
      input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
      stream: true,
      store: false,
      ...body,
    }),
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}
