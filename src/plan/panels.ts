import type { Panel } from "../catalog/schema";

/** A playbook variable: JSON-able, so it reaches Ansible unchanged through NODE_VARS. */
export type AnsibleValue = string | number | boolean | readonly string[];

/** What node-fleet needs to know about a control panel (seed 000 "Panel Abstraction"):
 *  the playbook variables that install it, and how the platform reaches its API. A
 *  second panel is one more entry in PANELS. */
export interface PanelPlanner {
  /** Variables for the site playbook (non-secret; the API password travels apart). */
  ansibleVars(panel: Panel): Record<string, AnsibleValue>;
  /** Where the platform calls the panel's API. */
  apiUrl(fqdn: string, panel: Panel): string;
  /** The API user the playbook creates and the platform logs in as. */
  readonly apiUser: string;
}

const virtualmin: PanelPlanner = {
  ansibleVars: (panel) => ({
    virtualmin_version: panel.version ?? "",
    virtualmin_webmin_version: panel.webminVersion ?? "",
    virtualmin_license: panel.license,
  }),
  apiUrl: (fqdn, panel) => `https://${fqdn}:${panel.apiPort ?? 10000}/virtual-server/remote.cgi`,
  apiUser: "node-fleet-api",
};

/** Panels node-fleet can install, by catalog id. */
export const PANELS: Readonly<Record<string, PanelPlanner>> = { virtualmin };

/** The planner of an implemented panel (the validator has already refused any other). */
export function panelPlanner(id: string): PanelPlanner {
  const planner = PANELS[id];
  if (!planner) throw new Error(`no planner for panel "${id}"; implemented: ${Object.keys(PANELS).join(", ")}`);
  return planner;
}
