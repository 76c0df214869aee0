import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main";

/** What a CLI run printed and returned. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `fleet ARGS` in this process with captured output. */
export async function fleet(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

/** A scratch project directory holding copies of the given files; removed by `cleanup`. */
export function scratchProject(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "fleet-cli-"));
  for (const [target, source] of Object.entries(files)) cpSync(source, join(dir, target));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
