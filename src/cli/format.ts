import { escapeControl, escapeControlKeepLines } from "../source/control-chars";
import { formatIssue, type Issue } from "../source/issues";

/** Where a command writes: stdout for results, stderr for problems and progress. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Replaces the progress line; present only when stderr is a terminal. */
  progress?(line: string): void;
}

/** The process's streams. Once a reader has gone away (`fleet plan | head`), further
 *  output to it is dropped instead of failing: the command still finishes and exits
 *  with its own code. Everything printed may quote input or what a node sent back, so
 *  control characters are escaped here, once for every command: output never drives
 *  the reader's terminal and a line is never forged. */
export const processIo: Io = {
  out: (line) => { if (process.stdout.writable) process.stdout.write(`${escapeControlKeepLines(line)}\n`); },
  err: (line) => { if (process.stderr.writable) process.stderr.write(`${escapeControlKeepLines(line)}\n`); },
  ...(process.stderr.isTTY ? { progress: (line: string) => { process.stderr.write(`\r\x1b[K${escapeControl(line)}`); } } : {}),
};

/** Exit codes of every `fleet` command (docs/exit-codes.md lists them). The
 *  codes above 2 follow sysexits.h where it has one, like ansible/bin/provision. */
export const EXIT = {
  ok: 0,
  /** The input (fleet file, catalog, stack file, a value it holds) is wrong. */
  invalidInput: 1,
  /** The command line is wrong: unknown command or option, missing argument. */
  usage: 2,
  /** A service (cloud API, state backend, the platform) could not be reached (EX_UNAVAILABLE). */
  serviceUnreachable: 69,
  /** A bug: an error nothing above explains (EX_SOFTWARE). */
  internal: 70,
  /** Output could not be written, e.g. the disk is full (EX_IOERR). */
  ioError: 74,
  /** A tool the command runs (the Pulumi CLI, ansible-playbook) is not installed: the shell's "command not found". */
  toolMissing: 127,
  /** `fleet health`: at least one node is not healthy. */
  unhealthy: 5,
  /** `fleet health`: another process holds the health state directory; `fleet rollout`: another rollout of the stack runs. */
  stateLocked: 6,
  /** A Pulumi operation ran and failed (the engine reported an error). */
  operationFailed: 3,
  /** An operation was refused by a safeguard, e.g. a protected node (EX_NOPERM). */
  refused: 77,
  /** `fleet diff`: the change rebuilds or removes a server, or a policy blocks it (CI asks for an extra approval). */
  destructiveChange: 10,
  /** Interrupted (Ctrl-C): 128 + SIGINT, as shells report it. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const UNREACHABLE = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH",
  "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_SOCKET"]);
const IO = new Set(["ENOSPC", "EIO", "EDQUOT", "EROFS", "EFBIG"]);

/** The exit code an error stands for: an `exitCode` the thrower chose (one of EXIT),
 *  a tool that could not be started, a network failure, an I/O failure; else a bug. */
export function exitCodeOf(err: unknown): ExitCode {
  const e = (err ?? {}) as { exitCode?: unknown; code?: unknown; syscall?: unknown; cause?: unknown };
  if ((Object.values(EXIT) as unknown[]).includes(e.exitCode)) return e.exitCode as ExitCode;
  if (e.code === "ENOENT" && typeof e.syscall === "string" && e.syscall.startsWith("spawn")) return EXIT.toolMissing;
  if (typeof e.code === "string" && UNREACHABLE.has(e.code)) return EXIT.serviceUnreachable;
  if (typeof e.code === "string" && IO.has(e.code)) return EXIT.ioError;
  if (e.cause !== undefined && e.cause !== err) {
    const inner = exitCodeOf(e.cause);
    if (inner !== EXIT.internal) return inner;
  }
  return EXIT.internal;
}

/** Prints issues one per line in compiler style, or as a JSON array for tools. */
export function printIssues(io: Io, issues: readonly Issue[], format: "text" | "json" = "text"): void {
  if (format === "json") io.out(JSON.stringify(issues, null, 2));
  else for (const issue of issues) io.err(formatIssue(issue));
}
