import declared from "./supported-versions.json" with { type: "json" };

// The one declaration of the client versions prodex supports (supported-versions.json, which
// `bun run compat:add` rewrites). In core so the proxy (the catalog's client_version) and the CLI
// (doctor, --version, the launch warning) read the same range.

export type Agent = "codex" | "claude";
export type Range = { name: string; package: string; oldest: string; newest: string };

export const SUPPORTED: Readonly<Record<Agent, Range>> = { codex: declared.codex, claude: declared.claude };
