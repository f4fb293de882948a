#!/usr/bin/env bun
// The published package carries a bundled build in dist/; a checkout runs the source.
import { existsSync } from "node:fs";

const bundled = new URL("../dist/prodex.js", import.meta.url);
await import(existsSync(bundled) ? bundled.href : new URL("../src/main.ts", import.meta.url).href);
