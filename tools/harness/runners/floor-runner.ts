#!/usr/bin/env bun
/**
 * The floor: the least any proxy must add — a bare `Bun.serve` pass-through that fetches the
 * same upstream and returns its body stream (HTTP), or relays frames to an upstream socket
 * (websocket). No guards, no parsing, no accounts. Prints `{url}`, serves until SIGTERM.
 */
import type { ServerWebSocket } from "bun";
import { exitWithParent } from "@prodex/mock";

const upstream = process.argv[2];
if (!upstream?.startsWith("http://127.0.0.1:")) {
  process.stderr.write("floor-runner: usage: floor-runner.ts http://127.0.0.1:PORT (the mock's url)\n");
  process.exit(2);
}

// Headers Bun's fetch/WebSocket set themselves.
const SKIP = new Set([
  "host",
  "connection",
  "content-length",
  "upgrade",
  "sec-websocket-key",
  "sec-websocket-version",
  "sec-websocket-extensions",
]);
const forwardable = (h: Headers) => Object.fromEntries([...h].filter(([k]) => !SKIP.has(k)));

type Relay = { headers: Record<string, string>; path: string; up: WebSocket | null; queue: string[] };

const server = Bun.serve<Relay>({
  hostname: "127.0.0.1",
  port: 0,
  idleTimeout: 0,
  async fetch(req, srv) {
    const url = new URL(req.url);
    if (req.headers.get("upgrade")?.toLowerCase() === "websocket") {
      const data: Relay = { headers: forwardable(req.headers), path: url.pathname + url.search, up: null, queue: [] };
      return srv.upgrade(req, { data }) ? undefined : new Response("upgrade failed", { status: 400 });
    }
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer();
    const res = await fetch(upstream + url.pathname + url.search, {
      method: req.method,
      headers: forwardable(req.headers),
      body,
    });
    return new Response(res.body, { status: res.status, headers: res.headers });
  },
  websocket: {
    open(ws: ServerWebSocket<Relay>) {
      const up = new WebSocket(upstream.replace("http", "ws") + ws.data.path, { headers: ws.data.headers });
      ws.data.up = up;
      up.onopen = () => {
        for (const m of ws.data.queue.splice(0)) up.send(m);
      };
      up.onmessage = (e) => ws.send(typeof e.data === "string" ? e.data : new Uint8Array(e.data as ArrayBuffer));
      up.onclose = () => ws.close();
    },
    message(ws, message) {
      const text = typeof message === "string" ? message : new TextDecoder().decode(message);
      const up = ws.data.up;
      if (up && up.readyState === WebSocket.OPEN) up.send(text);
      else ws.data.queue.push(text);
    },
    close(ws) {
      ws.data.up?.close();
    },
  },
});

process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.port}` })}\n`);
const shutdown = () => {
  server.stop(true);
  process.exit(0);
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
exitWithParent(shutdown);
