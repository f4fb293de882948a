// Plain TCP to the proxy, for what fetch() will not send: a forged Host, a websocket handshake,
// broken framing, bare CR/LF in headers, garbage bytes, half-closed sockets.
import { networkInterfaces } from "node:os";

export type RawReply = {
  /** 0 when the server closed (or said nothing) without an HTTP status line. */
  status: number;
  head: string;
  body: string;
};

const HEAD_END = "\r\n\r\n";

function complete(text: string): boolean {
  const end = text.indexOf(HEAD_END);
  if (end < 0) return false;
  const head = text.slice(0, end);
  if (/^HTTP\/1\.1 101/.test(head)) return true;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
  return length !== undefined && Buffer.byteLength(text.slice(end + 4)) >= Number(length);
}

export function parseReply(text: string): RawReply {
  const end = text.indexOf(HEAD_END);
  const head = end < 0 ? text : text.slice(0, end);
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
  return { status, head, body: end < 0 ? "" : text.slice(end + 4) };
}

/**
 * Writes `data` on a fresh connection and returns the first answer: once a complete response
 * (or a 101) arrived, the server closed, or `waitMs` passed. `halfClose` ends our side after writing.
 */
export async function rawRequest(
  port: number,
  data: string | Uint8Array,
  options: { waitMs?: number; halfClose?: boolean } = {},
): Promise<RawReply> {
  let text = "";
  const done = Promise.withResolvers<void>();
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data(_s, chunk) {
        text += Buffer.from(chunk).toString("latin1");
        if (complete(text)) done.resolve();
      },
      close: () => done.resolve(),
      end: () => done.resolve(),
      error: () => done.resolve(),
    },
  });
  socket.write(data);
  if (options.halfClose) socket.shutdown();
  const timer = setTimeout(() => done.resolve(), options.waitMs ?? 5_000);
  await done.promise;
  clearTimeout(timer);
  socket.end();
  return parseReply(text);
}

/** An HTTP/1.1 request as text, with exactly the headers given (Host included). */
export function httpText(method: string, path: string, headers: Record<string, string>, body = ""): string {
  const lines = [`${method} ${path} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  if (body && !Object.keys(headers).some((k) => k.toLowerCase() === "content-length"))
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join("\r\n")}\r\n\r\n${body}`;
}

/** A websocket handshake for `path` (RFC 6455 §4.1), plus `extra` headers. */
export function upgradeText(path: string, host: string, extra: Record<string, string> = {}): string {
  return httpText("GET", path, {
    Host: host,
    Upgrade: "websocket",
    Connection: "Upgrade",
    "Sec-WebSocket-Key": Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64"),
    "Sec-WebSocket-Version": "13",
    ...extra,
  });
}

/**
 * Whether `port` answers a TCP connect on this machine's own non-loopback IPv4 address; null
 * when the machine has none (the check cannot be made, and says so).
 */
export async function reachableOffLoopback(port: number): Promise<{ address: string; connected: boolean } | null> {
  const external = Object.values(networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === "IPv4" && !a.internal);
  if (!external) {
    console.log("skipped the non-loopback connect: this machine has no non-loopback IPv4 address");
    return null;
  }
  const connected = await Bun.connect({ hostname: external.address, port, socket: { data() {} } }).then(
    (s) => {
      s.end();
      return true;
    },
    () => false,
  );
  return { address: external.address, connected };
}
