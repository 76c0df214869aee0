import { daysLeft, readCertificate } from "./probes/tls";
import { sameHostKey, readServerIdentity } from "./probes/ssh-host-key";
import { tcpOpen, timed } from "./probes/tcp";
import { virtualminInfo, type PanelCredentials } from "./probes/virtualmin";
import { NODE_PORTS, type CheckResult, type Fault, type HealthTarget } from "./types";

export interface CheckOptions {
  /** Time limit of every single check; checks of a node run at once, so a dead node costs this once. */
  readonly timeoutMs: number;
  /** A certificate with fewer days left fails its check. */
  readonly certWarnDays: number;
  /** The panel API user's credentials; without them the API check is left out. */
  readonly panelCredentials?: (target: HealthTarget) => PanelCredentials | undefined;
  readonly ports?: typeof NODE_PORTS;
  readonly now?: () => Date;
}

/** A node's checks and whether it passed all of them. */
export interface NodeChecks {
  readonly target: HealthTarget;
  readonly checks: readonly CheckResult[];
  readonly healthy: boolean;
}

/** Runs every check of one node concurrently: TCP 22/80/443/10000, the SSH banner
 *  and host key against the pinned one, TLS expiry on 443 and 10000, and
 *  Virtualmin's `info` when credentials are given. */
export async function checkNode(target: HealthTarget, opts: CheckOptions): Promise<NodeChecks> {
  if ("problem" in target.resolved) {
    const checks = [{ name: "address", ok: false, detail: target.resolved.problem, ms: 0, fault: "unresolved" as const }];
    return { target, checks, healthy: false };
  }
  const { address, hostKey } = target.resolved;
  const ports = opts.ports ?? NODE_PORTS;
  const t = opts.timeoutMs;
  const now = opts.now ?? (() => new Date());
  const check = async (name: string, fault: Fault, run: () => Promise<string>): Promise<CheckResult> => {
    const outcome = await timed(run);
    return outcome.ok ? { name, ...outcome } : { name, ...outcome, fault };
  };
  const tls = (port: number) => check(`tls:${port}`, "certificate", async () => {
    const cert = await readCertificate(address, port, target.fqdn, t);
    const days = daysLeft(cert.notAfter, now());
    const when = `${cert.notAfter.toISOString().slice(0, 10)}${cert.untrusted ? `, not trusted: ${cert.untrusted}` : ""}`;
    if (days < 0) throw new Error(`certificate expired ${-days} days ago (${when})`);
    if (days < opts.certWarnDays) throw new Error(`certificate expires in ${days} days (${when}); renew it`);
    return `${days} days left (${when})`;
  });
  const creds = opts.panelCredentials?.(target);

  const tasks: Promise<CheckResult>[] = [
    ...[ports.ssh, ports.http, ports.https, ports.panel].map((port) => check(`tcp:${port}`, "down", () => tcpOpen(address, port, t))),
    sshCheck(address, ports.ssh, hostKey, t),
    tls(ports.https).then(downWhenUnreachable),
    tls(ports.panel).then(downWhenUnreachable),
    ...(creds ? [check("virtualmin-api", "down", () => virtualminInfo(address, ports.panel, target.fqdn, creds, t))] : []),
  ];
  const checks = await Promise.all(tasks);
  return { target, checks, healthy: checks.every((c) => c.ok) };
}

async function sshCheck(address: string, port: number, pinned: string | undefined, timeoutMs: number): Promise<CheckResult> {
  let fault: Fault = "down";
  const outcome = await timed(async () => {
    const id = await readServerIdentity(address, port, timeoutMs);
    if (!pinned) return `${id.banner}; host key ${id.fingerprint} (nothing pinned to compare with)`;
    if (!sameHostKey(id.hostKey, pinned)) {
      fault = "host-key";
      throw new Error(`HOST KEY CHANGED: the server presented ${id.fingerprint}, not the pinned key; the server was replaced or someone is in the middle`);
    }
    return `${id.banner}; host key ${id.fingerprint} matches the pinned key`;
  });
  return outcome.ok ? { name: "ssh", ...outcome } : { name: "ssh", ...outcome, fault };
}

/** A TLS port that does not answer at all is a service down, not a certificate problem. */
function downWhenUnreachable(result: CheckResult): CheckResult {
  return !result.ok && !result.detail.startsWith("certificate") ? { ...result, fault: "down" } : result;
}
