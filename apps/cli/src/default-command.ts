/** Bare `prodex [args]` means `prodex run [args]`. */
export function withDefaultCommand(argv: string[], commands: string[]): string[] {
  const first = argv[0];
  if (first === undefined) return ["run"];
  if (["-h", "--help", "-V", "--version", "help"].includes(first) || commands.includes(first)) return argv;
  return ["run", ...argv];
}

/** `prodex --version` / `-V`, optionally with `--json`, and nothing else: the fast path. */
export function isVersionRequest(argv: string[]): boolean {
  if (argv.length === 0 || argv.length > 2) return false;
  const flags = argv.filter((a) => a === "--version" || a === "-V");
  return flags.length === 1 && argv.every((a) => a === "--version" || a === "-V" || a === "--json");
}
