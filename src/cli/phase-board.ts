import { PHASES, type PhaseProgress } from "../automation/phases";

const MARK = { running: "…", succeeded: "✓", failed: "✗" } as const;

/** `8m 45s`, `12s` (seed 000's progress view). */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** One line per phase change, for logs and pipes: `node  Panel installed  ✓ succeeded  8m 45s`. */
export function phaseLine(p: PhaseProgress): string {
  const time = p.durationSeconds !== undefined ? `  ${duration(p.durationSeconds)}` : `  started ${p.startedAt.slice(11, 19)}`;
  return `${p.hostname}  ${p.label}  ${MARK[p.state]} ${p.state}${time}${p.message ? `  (${p.message})` : ""}`;
}

/** The per-node phase table: a row per node, a column per phase, each cell the outcome
 *  and duration (running phases show the time so far against `now`). */
export function renderBoard(progress: readonly PhaseProgress[], now: Date): string[] {
  const nodes = [...new Set(progress.map((p) => p.hostname))].sort();
  const headers = ["NODE", ...PHASES.map((p) => p.label)];
  const rows = nodes.map((host) => [host, ...PHASES.map((phase) => {
    const p = progress.find((x) => x.hostname === host && x.phase === phase.id);
    if (!p) return "·";
    const seconds = p.durationSeconds ?? (now.getTime() - Date.parse(p.startedAt)) / 1000;
    return `${MARK[p.state]} ${duration(seconds)}`;
  })]);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(headers), ...rows.map(line)];
}

/** Keeps the latest state of every phase and redraws the table in place on a terminal. */
export class LiveBoard {
  private readonly phases = new Map<string, PhaseProgress>();
  private drawn = 0;

  constructor(private readonly write: (text: string) => void, private readonly now: () => Date = () => new Date()) {}

  update(p: PhaseProgress): void {
    this.phases.set(`${p.hostname}/${p.phase}`, p);
    this.draw("");
  }

  /** Prints a line above the table, which is then drawn again below it. */
  message(line: string): void {
    this.draw(`\x1b[2K${line}\n`);
  }

  private draw(before: string): void {
    const lines = this.phases.size > 0 ? renderBoard([...this.phases.values()], this.now()) : [];
    // Cursor up over the previous drawing, then rewrite each line cleared.
    this.write(`${this.drawn > 0 ? `\x1b[${this.drawn}A` : ""}${before}${lines.map((l) => `\x1b[2K${l}\n`).join("")}`);
    this.drawn = lines.length;
  }
}
