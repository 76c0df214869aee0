import type { Io } from "./format";

/** One self-replacing status line on stderr for long work. */
export interface Progress {
  update(text: string): void;
  /** Removes the line before other output, so results never run into it. */
  clear(): void;
  /** Clears the line, then prints `final` (if given) as a normal line. */
  done(final?: string): void;
}

const INTERVAL_MS = 100;

/** Progress for a terminal only: when stderr is a file or a pipe (CI logs, tools), or
 *  the caller wants machine output (`--json`), nothing is printed at all. */
export function progressLine(io: Io, wanted: boolean): Progress {
  const show = wanted ? io.progress?.bind(io) : undefined;
  if (!show) return { update: () => undefined, clear: () => undefined, done: () => undefined };
  let shownAt = 0;
  let visible = false;
  const clear = () => {
    if (visible) show("");
    visible = false;
  };
  return {
    update(text) {
      const now = Date.now();
      if (visible && now - shownAt < INTERVAL_MS) return;
      shownAt = now;
      show(text);
      visible = true;
    },
    clear,
    done(final) {
      clear();
      if (final) io.err(final);
    },
  };
}
