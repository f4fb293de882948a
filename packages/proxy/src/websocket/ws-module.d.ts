// Bun ships the `ws` package's client API as a built-in module (no npm dependency). Unlike the
// global WebSocket it reports the upstream's handshake answer: the 101's headers (turn state,
// usage windows) and, on refusal, the status, headers and body. Only what the proxy uses is typed.
declare module "ws" {
  import type { IncomingMessage } from "node:http";

  type ClientOptions = {
    headers?: Record<string, string>;
    perMessageDeflate?: boolean;
  };

  export default class WebSocket {
    constructor(url: string, options?: ClientOptions);
    static readonly OPEN: number;
    readonly readyState: number;
    readonly bufferedAmount: number;
    send(data: string, callback?: (error?: Error | null) => void): void;
    close(code?: number, reason?: string): void;
    terminate(): void;
    pause(): void;
    resume(): void;
    on(event: "upgrade", listener: (response: IncomingMessage) => void): this;
    on(event: "unexpected-response", listener: (request: unknown, response: IncomingMessage) => void): this;
    on(event: "open", listener: () => void): this;
    on(event: "message", listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): this;
    on(event: "close", listener: (code: number, reason: Buffer) => void): this;
    on(event: "error", listener: (error: Error) => void): this;
  }
}
