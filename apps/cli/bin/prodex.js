#!/usr/bin/env node
// prodex's npm entry; plain JavaScript that Node and Bun both run.
// Under Bun it runs the bundled build (dist/, in the published package) or, in a checkout, the
// source. Under Node (npx, npm i -g) it re-executes itself with Bun — the `bun` package prodex
// depends on, else PRODEX_BUN, else `bun` on PATH — and says how to get Bun when none is found.
import { spawn } from "node:child_process";
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const self = fileURLToPath(import.meta.url);

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    // npm's `bun` package ships a small placeholder until its postinstall copies the real binary.
    return statSync(path).size > 1_000_000;
  } catch {
    return false;
  }
}

/** Bun from the `bun` dependency: its installed bin, else the platform package it pulled in. */
function dependencyBun() {
  const require = createRequire(self);
  let root;
  try {
    root = dirname(require.resolve("bun/package.json"));
  } catch {
    return null;
  }
  const bin = join(root, "bin", "bun.exe");
  if (executable(bin)) return bin;
  const os = process.platform;
  const arch = process.arch === "arm64" ? "aarch64" : process.arch;
  const from = createRequire(join(root, "package.json"));
  for (const suffix of ["", "-baseline", "-musl", "-musl-baseline"]) {
    try {
      const pkg = dirname(from.resolve(`@oven/bun-${os}-${arch}${suffix}/package.json`));
      if (executable(join(pkg, "bin", "bun"))) return join(pkg, "bin", "bun");
    } catch {
      // not installed for this platform
    }
  }
  return null;
}

function pathBun() {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && executable(join(dir, "bun"))) return join(dir, "bun");
  }
  return null;
}

if (process.versions.bun) {
  const bundled = new URL("../dist/prodex.js", import.meta.url);
  const entry = existsSync(bundled) ? bundled.href : new URL("../src/main.ts", import.meta.url).href;
  const { main } = await import(entry);
  process.exit(await main(process.argv.slice(2)));
} else {
  const override = process.env.PRODEX_BUN;
  const bun = override && executable(override) ? override : (dependencyBun() ?? pathBun());
  if (!bun) {
    process.stderr.write(
      "prodex: prodex runs on Bun, and no Bun was found (the bun package did not install, and bun is not on PATH)\n  → install it (npm install -g bun, or https://bun.sh), or run: bunx prodex\n",
    );
    process.exit(1);
  }
  const child = spawn(bun, [self, ...process.argv.slice(2)], { stdio: "inherit" });
  // Ctrl-C reaches both processes from the terminal; the child decides, the launcher waits.
  process.on("SIGINT", () => {});
  for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("error", (error) => {
    process.stderr.write(`prodex: cannot start ${bun}: ${error.message}\n`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    const signals = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1, SIGKILL: 9 };
    process.exit(code ?? 128 + (signals[signal] ?? 1));
  });
}
