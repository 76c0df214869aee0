import * as pulumi from "@pulumi/pulumi";

/** Two pieces of Pulumi's runtime that only serve a live engine: every internal
 *  promise is tagged with a stack trace to report leaks when a deployment exits, and
 *  every declaration records its source position (a full stack trace) for the engine's
 *  display. An offline plan has neither an exit report nor a display, and on a large
 *  fleet the two are most of its time. This turns them off in the plan process only;
 *  @pulumi/pulumi is pinned, and where its internals differ the plan just runs slower. */
export function lightenRuntimeForPlan(): void {
  const resource = pulumi.Resource as unknown as { callsites?: unknown };
  if (typeof resource.callsites === "function") resource.callsites = () => [];
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
