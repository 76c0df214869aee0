const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Runs `cleanup` if the process is interrupted before `release` is called, then lets
 *  the signal end the process as it would have: a `finally` block never runs when a
 *  signal kills the process, so scratch files would otherwise stay behind. */
export function cleanUpOnSignal(cleanup: () => void): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    release();
    cleanup();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const release = () => { for (const signal of SIGNALS) process.off(signal, onSignal); };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return release;
}
