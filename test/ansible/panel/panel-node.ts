import type { ProvisionRun } from "../provision";
import type { TestHost } from "../test-host";
import type { WebminLogin } from "./webmin-client";

/** What the checks of the panel host need from the test that booted and provisioned it. */
export interface PanelNode {
  host(): TestHost;
  readonly fqdn: string;
  /** The API user and password the registration step sends the platform. */
  readonly login: WebminLogin;
  /** When the test host started booting (ms since the epoch). */
  bootStarted(): number;
  /** Runs ansible/bin/provision against the host with these environment overrides. */
  provision(env: Record<string, string>): Promise<ProvisionRun>;
}

/** Runs a command as root on the host over SSH. */
export function onPanel(node: PanelNode) {
  return (command: string) => node.host().ssh(command);
}
