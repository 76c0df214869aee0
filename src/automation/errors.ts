import type { PhaseProgress } from "./phases";

/** The library declined to start an operation (a protected node, a bad hostname); nothing
 *  was changed. `steps` says how to proceed. */
export class OperationRefusedError extends Error {
  override readonly name = "OperationRefusedError";
  constructor(message: string, readonly correlationId: string, readonly steps: readonly string[] = []) {
    super(message);
  }
}

/** The engine (or a task on a node) ran and failed; `phases` shows how far each node
 *  got, `cause` is the error the operation ended with. */
export class OperationFailedError extends Error {
  override readonly name = "OperationFailedError";
  constructor(message: string, readonly correlationId: string, readonly phases: readonly PhaseProgress[], options?: ErrorOptions) {
    super(message, options);
  }
}

/** Another deployment held the stack's lock through every retry; nothing of this
 *  operation ran. "Not now", never "the node is broken". */
export class StackLockedError extends Error {
  override readonly name = "StackLockedError";
  constructor(message: string, readonly correlationId: string) {
    super(message);
  }
}
