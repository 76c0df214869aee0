const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** The listeners of every hold, told apart from the process's other listeners. */
const HOLDS = new WeakSet<(...args: never[]) => unknown>();

/** An interrupt held back while work that must put something back runs (a rebuild that
 *  lifted Hetzner's protection). */
export interface HeldSignals {
  /** Aborted at the second signal: the work should then stop its child process itself. */
  readonly signal: AbortSignal;
  /** The first signal received, if any: the work should start nothing new. */
  received(): NodeJS.Signals | undefined;
  /** Stops holding; a signal that came meanwhile ends the process as it would have, unless
   *  another listener of the process took it. */
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
  // A listener of another kind (the `fleet health --watch` loop) decides how the process
  // ends. It may be a `once` listener, gone after the signal: so this one goes first and
  // looks then. A hold in the caller (bin/fleet's) ends the process at its own release.
  let handledElsewhere = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (first) controller.abort(new Error(`${signal} received twice`));
    else handledElsewhere = process.listeners(signal).some((l) => !HOLDS.has(l));
    first ??= signal;
  };
  HOLDS.add(onSignal);
  const onOuterAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) onOuterAbort();
  else outer?.addEventListener("abort", onOuterAbort, { once: true });
  for (const signal of SIGNALS) process.prependListener(signal, onSignal);
  return {
    signal: controller.signal,
    received: () => first,
    release: () => {
      for (const signal of SIGNALS) process.off(signal, onSignal);
      outer?.removeEventListener("abort", onOuterAbort);
      if (first && !handledElsewhere && process.listenerCount(first) === 0) process.kill(process.pid, first);
    },
  };
}
