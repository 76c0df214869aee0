import { connect } from "node:net";

/** Outcome of a probe: ok or why not, with the time it took. */
export interface ProbeOutcome {
  readonly ok: boolean;
  readonly detail: string;
  readonly ms: number;
  /** What the probe threw, when it failed. */
  readonly error?: Error;
}

/** Measures a probe and turns a thrown error into a failed outcome. */
export async function timed(run: () => Promise<string>): Promise<ProbeOutcome> {
  const started = performance.now();
  try {
    const detail = await run();
    return { ok: true, detail, ms: Math.round(performance.now() - started) };
  } catch (err) {
    return { ok: false, detail: (err as Error).message, ms: Math.round(performance.now() - started), error: err as Error };
  }
}

/** Rejects with "no answer within N ms" unless `work` settles first; `onTimeout`
 *  releases whatever the work holds (a socket). */
export function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => { onTimeout(); reject(new Error(`no answer within ${ms} ms`)); }, ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Opens a TCP connection and closes it again. A refusal is reported at once; a
 *  silent drop costs the timeout. */
export function tcpOpen(address: string, port: number, timeoutMs: number): Promise<string> {
  const socket = connect({ host: address, port });
  const opened = new Promise<string>((resolve, reject) => {
    socket.once("connect", () => { socket.destroy(); resolve("open"); });
    socket.once("error", (err: NodeJS.ErrnoException) => reject(new Error(err.code === "ECONNREFUSED" ? "refused" : err.code ?? err.message)));
  });
  return withTimeout(opened, timeoutMs, () => socket.destroy());
}
