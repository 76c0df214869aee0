/** How a failed check counts: `down` is what recovery may heal; `certificate`,
 *  `host-key` (a changed key, a forged signature, a panel certificate that is not the
 *  pinned one) and `auth` (the panel refused the node's own credentials) open incidents
 *  of their own that only a person may resolve; `unresolved` means the checker could not
 *  find the node at all. */
export type Fault = "down" | "certificate" | "host-key" | "auth" | "unresolved";

/** One check of one node, as `fleet health --json` prints it. */
export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  /** Wall time of the check in milliseconds. */
  readonly ms: number;
  /** Set on failed checks only. */
  readonly fault?: Fault;
}

/** Where a node is reached, and what it must prove to be itself. */
export interface NodeAddress {
  readonly address: string;
  /** The pinned host key, `ssh-ed25519 AAAA…`. */
  readonly hostKey?: string;
  /** When the server was created (ISO 8601), so the grace period starts from it. */
  readonly created?: string;
  /** The node's panel API password, from the stack's secret outputs (never from a file). */
  readonly panelPassword?: string;
  /** SHA-256 of the panel's TLS certificate (`AB:CD:…`), pinned at provisioning: the
   *  password goes only to the endpoint that presents it. */
  readonly panelCertSha256?: string;
  /** A second address of the same node (its IPv6, from the stack outputs): a second probe
   *  path that must also fail before the node is power-cycled or rebuilt. */
  readonly secondAddress?: string;
}

/** A node to check: what the fleet says about it, and where it is (if known). */
export interface HealthTarget {
  readonly hostname: string;
  readonly fqdn: string;
  /** Rebuild generation from fleet.yaml. */
  readonly generation: number;
  readonly maintenance: boolean;
  /** `autoRebuild: true` in fleet.yaml: a rebuild is the last step of the ladder. */
  readonly autoRebuild: boolean;
  /** Delete/rebuild protection: a protected node is never rebuilt by recovery. */
  readonly protect: boolean;
  /** Virtualmin remote API user (its password is the node's own, from the stack outputs). */
  readonly panelUser: string;
  readonly resolved: NodeAddress | { readonly problem: string };
}

/** Ports every node must answer on (seed 000 validation). */
export const NODE_PORTS = { ssh: 22, http: 80, https: 443, panel: 10000 } as const;
