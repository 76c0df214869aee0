import { planBatch, type BatchInput, type BatchResult } from "./plan-batch";

/** What a plan worker sends back to plan-stack.ts. */
export type WorkerReply = { result: BatchResult } | { error: string };

/** A child process that plans one batch and sends the result over IPC: Pulumi's mock
 *  runtime keeps every declared resource for the life of the process, so a plan's
 *  memory is bounded by giving each batch a process of its own. */
process.once("message", (input: BatchInput) => {
  const reply = (message: WorkerReply, code: number) => process.send?.(message, () => process.exit(code));
  planBatch(input).then(
    (result) => reply({ result }, 0),
    (err: unknown) => reply({ error: err instanceof Error ? err.message : String(err) }, 1),
  );
});
