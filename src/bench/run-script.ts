/** Runs a benchmark's main when its file is the script node started: a failure is one
 *  line on stderr and exit code 1, never a stack trace. */
export function runScript(module: NodeModule, main: () => Promise<void>): void {
  if (require.main !== module) return;
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  });
}
