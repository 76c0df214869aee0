const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** An interrupt held back while work that must put something back runs (a rebuild that
 *  lifted Hetzner's protection). */
export interface HeldSignals {
  /** Aborted at the second signal: the work should then stop its child process itself. */
  readonly signal: AbortSignal;
  /** The first signal received, if any: the work should start nothing new. */
  received(): NodeJS.Signals | undefined;
  /** Stops holding; a signal that came meanwhile ends the process as it would have, unless
   *  the process still listens for it (bin/fleet's own hold, the `fleet health --watch`
   *  loop), which then decides. A `once` listener is gone by then and decides nothing. */
  release(): void;
}

/** Holds SIGINT, SIGTERM and SIGHUP until `release`, so the process lives on to undo what
 *  it must. The first signal is only noted: a Ctrl-C in a terminal, or systemd's stop,
 *  reaches the child Pulumi CLI of the same process group too, and the CLI takes its first
 *  signal as "cancel cleanly" and a second as "terminate now" (pulumi v3.248.0
 *  pkg/backend/cancellation_scope.go, the sigint loop of cancellationScopeSource.NewScope),
 *  so passing it on would cut the CLI short. The second signal aborts `signal`, which the
 *  Automation API turns into a SIGINT to the CLI, for a signal that reached this process
 *  alone. `outer` (the caller's own AbortSignal) aborts `signal` too. */
export function holdSignals(outer?: AbortSignal): HeldSignals {
  const controller = new AbortController();
  let first: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (first) controller.abort(new Error(`${signal} received twice`));
    first ??= signal;
  };
  const onOuterAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) onOuterAbort();
  else outer?.addEventListener("abort", onOuterAbort, { once: true });
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return {
    signal: controller.signal,
    received: () => first,
    release: () => {
      for (const signal of SIGNALS) process.off(signal, onSignal);
      outer?.removeEventListener("abort", onOuterAbort);
      if (first && process.listenerCount(first) === 0) process.kill(process.pid, first);
    },
  };
}
