import type { StackSettings } from "../../../src/stack/settings";
import type { ProvisionRun } from "../provision";
import type { TestHost } from "../test-host";

/** What the security checks need from the real-host test that provisioned the host. */
export interface Provisioned {
  host(): TestHost;
  /** The first provisioning run's variables (JSON), with `extra` on top. */
  vars(extra?: Record<string, unknown>): string;
  /** The playbook variables the plan gives the node under these stack settings. */
  planVars(settings: Partial<StackSettings>): Record<string, unknown>;
  /** Runs ansible/bin/provision against the host with these environment overrides. */
  provision(env: Record<string, string>): Promise<ProvisionRun>;
}

/** A customer's account on the node (created by the checks that need one). */
export const CUSTOMER = "customer1";

/** Runs a command as root on the host over SSH. */
export function onHost(node: Provisioned) {
  return (command: string) => node.host().ssh(command);
}
