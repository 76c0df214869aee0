/** Pulumi tags every internal promise with a stack trace and tracks it, to report
 *  leaked promises when a deployment exits. A one-shot offline plan never reports
 *  them, and on a large fleet the tagging is a third of the plan's time. This turns
 *  it off in the plan process only; @pulumi/pulumi is pinned, and if its internals
 *  differ the plan just runs at the normal speed. */
export function quietPromiseTracking(): void {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise?: unknown };
    if (typeof debuggable.debuggablePromise === "function") {
      debuggable.debuggablePromise = <T>(promise: Promise<T>): Promise<T> => promise;
    }
  } catch {
    // Not this version's layout: keep Pulumi's own behaviour.
  }
}
