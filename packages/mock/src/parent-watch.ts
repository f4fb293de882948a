/**
 * Calls `stop` once the process that started this one is gone. The mock and the bench's server
 * runners are started by a harness; a harness that crashes or is killed (no chance to SIGTERM
 * them) would otherwise leave servers holding ports and memory — and skewing the next run.
 */
export function exitWithParent(stop: () => void, everyMs = 500): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    stop();
  }, everyMs);
  timer.unref?.();
}
