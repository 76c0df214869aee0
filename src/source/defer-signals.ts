const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Runs synchronous work that must not be cut short (a lock held, a temporary file
 *  open): an interrupt that arrives meanwhile is held back and delivered again once the
 *  work is over, so it still ends the process, but never half-way through. */
export function withSignalsDeferred<T>(work: () => T): T {
  let received: NodeJS.Signals | undefined;
  const hold = (signal: NodeJS.Signals) => { received ??= signal; };
  for (const signal of SIGNALS) process.on(signal, hold);
  try {
    return work();
  } finally {
    // The signal reaches the listener only when the event loop polls, after `work`.
    setImmediate(() => {
      for (const signal of SIGNALS) process.off(signal, hold);
      if (received) process.kill(process.pid, received);
    });
  }
}
