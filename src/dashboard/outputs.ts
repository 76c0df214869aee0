import { connectStack, type ConnectOptions } from "../health/stack";

/** The stack's outputs without secrets, through the connection `fleet health` uses
 *  (src/health/stack.ts connectStack: the Pulumi CLI through the Automation API); a
 *  missing CLI is an error of one line, which the dashboard shows as a note. */
export async function shownStackOutputs(opts: ConnectOptions): Promise<unknown> {
  const stack = await connectStack(opts);
  if ("unavailable" in stack) throw new Error(stack.unavailable);
  if (!stack.fleet) throw new Error("the stack connection gives no outputs");
  return stack.fleet.outputs({ showSecrets: false });
}
