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
  /** The pins of catalog/panels.yaml, the only place they are decided; the role has no
   *  defaults for them, so a node can only be installed from what the catalog says. */
  ansibleVars: (panel) => {
    const { version, webminVersion, installer } = panel;
    if (!version || !webminVersion || !installer) throw new Error(`panel ${panel.id}: catalog/panels.yaml pins no versions or installer`);
    return {
      virtualmin_version: version,
      virtualmin_webmin_version: webminVersion,
      virtualmin_license: panel.license,
      virtualmin_installer_tag: installer.tag,
      virtualmin_installer_sha256: installer.sha256,
      virtualmin_slib_tag: installer.slibTag,
      virtualmin_slib_sha256: installer.slibSha256,
    };
  },
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
