/**
 * What the OpenAI-compatible routes add over the Codex route, in one run on one machine (issue
 * #15). The mock ChatGPT backend and the prodex proxy each run in their own process; this one only
 * sends requests, at concurrency 1, variants interleaved round by round:
 *
 *   codex            Responses body, stream:true  → proxy Codex route  → mock   (the baseline)
 *   responses        Responses body, stream:false → proxy /openai/v1/responses (assembled JSON)
 *   chat stream      Chat Completions, stream:true → proxy /openai/v1/chat/completions (chunks)
 *   chat             Chat Completions, stream:false (one chat.completion)
 *
 * Every variant carries the same conversation (a ~40 KB Chat Completions request; the Responses
 * variants get prodex's translation of it) and gets the same fixed 8-delta answer. Target: the
 * translation adds ≤ 0.3 ms p50 over the Codex route.
 *
 *   bun run bench:openai [--quick] [--strict] [--rounds N]
 */
import { ChatStreamTranslator, SseParser, assembleResponse, chatToResponses, responseToChat } from "@prodex/proxy";
import { spawnRunner } from "../harness/children.ts";
import { mockReady, proxyReady } from "../harness/ready-lines.ts";
import { type Summary, added, summarize } from "../harness/stats.ts";
import { benchArgs } from "./lib/bench-args.ts";
import { type Variant, interleaved, warm } from "./lib/phases.ts";
import { latencyTable, ms } from "./lib/latency-table.ts";
import { timedRequest } from "./lib/timed-request.ts";

const USAGE = "usage: bun run bench:openai [--quick] [--strict] [--rounds N]";
const { flags: args, rounds } = benchArgs("bench:openai", USAGE);
const TARGET_P50_MS = 0.3;

// ---- the workload: an agent's conversation (system prompt, history, a tool round trip, two tools) ----
const words = (n: number, seed: string) => Array.from({ length: n }, (_, i) => `${seed}${i % 97}`).join(" ");
const tools = ["read_file", "run_tests"].map((name) => ({
  type: "function",
  function: {
    name,
    description: words(30, "d"),
    parameters: {
      type: "object",
      properties: { path: { type: "string" }, args: { type: "array", items: { type: "string" } } },
      required: ["path"],
    },
  },
}));
const history = Array.from({ length: 10 }, (_, i) => [
  { role: "user", content: words(180, `u${i}-`) },
  { role: "assistant", content: words(180, `a${i}-`) },
]).flat();
const chatJson = {
  model: "gpt-5",
  messages: [
    { role: "system", content: words(2400, "s") },
    ...history,
    {
      role: "assistant",
      content: null,
      tool_calls: [
        { id: "call_1", type: "function", function: { name: "read_file", arguments: '{"path":"README.md"}' } },
      ],
    },
    { role: "tool", tool_call_id: "call_1", content: words(300, "r") },
    { role: "user", content: "say hi" },
  ],
  tools,
  prompt_cache_key: crypto.randomUUID(),
};
const translated = chatToResponses(chatJson);
if (!translated.ok) throw translated.error;
const enc = new TextEncoder();
const codexBody = enc.encode(JSON.stringify(translated.body));
const responsesBody = enc.encode(JSON.stringify({ ...translated.body, stream: false }));
const chatStreamBody = enc.encode(JSON.stringify({ ...chatJson, stream: true }));
const chatBody = enc.encode(JSON.stringify(chatJson));

// ---- the servers ----
const mock = await spawnRunner("mock", "mock-runner.ts", { args: ["--accounts", "2"] });
const m = mockReady.parse(mock.ready);
const proxy = await spawnRunner("prodex", "proxy-runner.ts", { stdin: JSON.stringify(mock.ready) });
const p = proxyReady.parse(proxy.ready);
const account = m.accounts[0] as (typeof m.accounts)[number];

const json = { "content-type": "application/json" };
const openai = { ...json, authorization: `Bearer ${p.secret}` };
const variants: Variant[] = [
  {
    name: "codex",
    run: () =>
      timedRequest(
        `${p.codexBaseUrl}/responses`,
        { ...json, accept: "text/event-stream", authorization: "Bearer client-side", ...p.codexHeaders },
        codexBody,
        "response.completed",
      ),
  },
  {
    name: "responses",
    run: () => timedRequest(`${p.openaiBaseUrl}/responses`, openai, responsesBody, '"output_text"'),
  },
  {
    name: "chat stream",
    run: () => timedRequest(`${p.openaiBaseUrl}/chat/completions`, openai, chatStreamBody, "[DONE]"),
  },
  { name: "chat", run: () => timedRequest(`${p.openaiBaseUrl}/chat/completions`, openai, chatBody, '"finish_reason"') },
];

// ---- in process: the translation alone (request, and the answer both ways), for the same conversation ----
async function answerEvents(): Promise<string[]> {
  const res = await fetch(`${m.baseUrl}/codex/responses`, {
    method: "POST",
    headers: { ...json, accept: "text/event-stream", authorization: `Bearer ${account.auth.tokens.access_token}` },
    body: codexBody,
  });
  return new SseParser().feed(new Uint8Array(await res.arrayBuffer())).map((e) => e.data);
}

function translationOnly(data: string[], n: number): { stream: Summary; assembled: Summary } {
  const stream: number[] = [];
  const assembled: number[] = [];
  const ids = { id: "chatcmpl-bench", created: 0, model: "gpt-5" };
  for (let i = 0; i < n + 200; i++) {
    const t0 = performance.now();
    const t = chatToResponses(chatJson);
    if (!t.ok) throw t.error;
    JSON.stringify(t.body);
    const events = data.map((d) => JSON.parse(d));
    const out = new ChatStreamTranslator(ids, true);
    let bytes = 0;
    for (const e of events) bytes += out.push(e).length;
    const t1 = performance.now();
    const r = assembleResponse(events);
    if (!r.ok || bytes === 0) throw new Error("no answer");
    JSON.stringify(responseToChat(r.response, ids));
    if (i >= 200) {
      stream.push(t1 - t0);
      assembled.push(performance.now() - t1);
    }
  }
  return { stream: summarize(stream), assembled: summarize(assembled) };
}

let exit = 0;
try {
  process.stdout.write(
    `bench:openai — ${rounds} rounds at concurrency 1; request ${(chatBody.byteLength / 1024).toFixed(0)} KB Chat Completions / ${(codexBody.byteLength / 1024).toFixed(0)} KB Responses\n`,
  );
  await warm(variants, args.quick ? 10 : 40, 1);
  const results = await interleaved(variants, rounds);
  const inProcess = translationOnly(await answerEvents(), args.quick ? 300 : 2000);

  const { text: table, totals } = latencyTable(variants, results, 14);
  process.stdout.write(table);

  const codex = totals.get("codex") as Summary;
  const over = (name: string) => added(totals.get(name) as Summary, codex);
  process.stdout.write("\nadded over the Codex route (difference of total-time percentiles):\n");
  const verdicts: string[] = [];
  for (const name of ["responses", "chat stream", "chat"]) {
    const d = over(name);
    process.stdout.write(`  ${name.padEnd(14)} p50 ${ms(d.p50)} ms   p99 ${ms(d.p99)} ms\n`);
    if (name !== "chat")
      verdicts.push(
        `${name} ${d.p50 <= TARGET_P50_MS ? "PASS" : "MISS"} (${d.p50 >= 0 ? "+" : ""}${d.p50.toFixed(2)} ms p50)`,
      );
    if (d.p50 > TARGET_P50_MS && name !== "chat" && args.strict) exit = 1;
  }
  process.stdout.write(
    `  in process: request + streamed chunks p50 ${ms(inProcess.stream.p50)} ms   p99 ${ms(inProcess.stream.p99)} ms\n`,
  );
  process.stdout.write(
    `  in process: assembled + chat.completion p50 ${ms(inProcess.assembled.p50)} ms   p99 ${ms(inProcess.assembled.p99)} ms\n`,
  );
  process.stdout.write(`\ntarget ≤ ${TARGET_P50_MS} ms p50 over the Codex route: ${verdicts.join("; ")}\n`);
} finally {
  await proxy.stop();
  await mock.stop();
}
process.exit(exit);
