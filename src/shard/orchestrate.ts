/** The outcome of one shard's run. */
export type ShardResult<R> =
  | { readonly stack: string; readonly ok: true; readonly exitCode: 0; readonly seconds: number; readonly report: R }
  | { readonly stack: string; readonly ok: false; readonly exitCode: number; readonly seconds: number; readonly message: string };

export interface ShardRunOptions {
  /** Shards running at once; each holds one workspace and one engine process. */
  readonly concurrency: number;
  /** The exit code a failure stands for (the CLI's EXIT table). */
  readonly exitCodeOf: (err: unknown) => number;
  readonly onStart?: (stack: string) => void;
  readonly onDone?: (result: ShardResult<unknown>) => void;
  readonly clock?: () => number;
}

/** Runs `run` for every shard stack, at most `concurrency` at once, and returns one
 *  result per shard in the order given. A shard that fails is recorded with its exit
 *  code and the others go on: shards share no state, so one shard's failure says nothing
 *  about another's (the way CI runs one job per shard). */
export async function runShards<R>(stacks: readonly string[], run: (stack: string) => Promise<R>, options: ShardRunOptions): Promise<ShardResult<R>[]> {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new RangeError(`concurrency must be a whole number from 1; got ${options.concurrency}`);
  const clock = options.clock ?? Date.now;
  const results: ShardResult<R>[] = new Array(stacks.length);
  let next = 0;
  const lane = async () => {
    while (next < stacks.length) {
      const index = next++;
      const stack = stacks[index]!;
      const started = clock();
      options.onStart?.(stack);
      let result: ShardResult<R>;
      try {
        const report = await run(stack);
        result = { stack, ok: true, exitCode: 0, seconds: (clock() - started) / 1000, report };
      } catch (err) {
        result = { stack, ok: false, exitCode: options.exitCodeOf(err), seconds: (clock() - started) / 1000,
          message: err instanceof Error ? err.message.split("\n")[0]! : String(err) };
      }
      results[index] = result;
      options.onDone?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, stacks.length) }, lane));
  return results;
}

/** The exit code of a run over shards: 0 when every shard succeeded, otherwise the
 *  code of the first failed shard in order (each one is named in the results). */
export function overallExitCode(results: readonly ShardResult<unknown>[]): number {
  return results.find((r) => !r.ok)?.exitCode ?? 0;
}
