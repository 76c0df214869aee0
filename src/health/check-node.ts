import { escapeControl } from "../source/control-chars";
import { daysLeft, readCertificate } from "./probes/tls";
import { ForgedSignatureError, sameHostKey, readServerIdentity } from "./probes/ssh-host-key";
import { tcpOpen, timed } from "./probes/tcp";
import { PanelAuthError, PanelIdentityError, virtualminInfo, type PanelCredentials } from "./probes/virtualmin";
import { NODE_PORTS, type CheckResult, type Fault, type HealthTarget } from "./types";

export interface CheckOptions {
  /** Time limit of every single check; checks of a node run at once, so a dead node costs this once. */
  readonly timeoutMs: number;
  /** A certificate with fewer days left fails its check. */
  readonly certWarnDays: number;
  /** The node's own panel API credentials; without them the API check is left out. */
  readonly panelCredentials?: (target: HealthTarget) => PanelCredentials | undefined;
}

/** A node's checks and whether it passed all of them. */
export interface NodeChecks {
  readonly target: HealthTarget;
  readonly checks: readonly CheckResult[];
  readonly healthy: boolean;
}

/** Runs every check of one node concurrently: TCP 22/80/443/10000, the SSH banner
 *  and host key against the pinned one, TLS expiry on 443 and 10000; then
 *  Virtualmin's `info`, only when the node has credentials of its own, its SSH proved
 *  the pinned key in this round, and its panel certificate is pinned: the password
 *  (root on the node) never goes to an address whose identity is unproven. Ports 22,
 *  443 and 10000 are answered by the SSH and TLS connections themselves: five
 *  connections a node, not eight, which matters to fail2ban and to a thousand-node round. */
export async function checkNode(target: HealthTarget, opts: CheckOptions): Promise<NodeChecks> {
  if ("problem" in target.resolved) {
    const checks = [{ name: "address", ok: false, detail: target.resolved.problem, ms: 0, fault: "unresolved" as const }];
    return { target, checks, healthy: false };
  }
  const { address, hostKey } = target.resolved;
  const ports = NODE_PORTS;
  const t = opts.timeoutMs;
  const tls = (port: number) => withPortCheck(`tls:${port}`, port, async (onConnect) => {
    const cert = await readCertificate(address, port, target.fqdn, t, onConnect);
    const days = daysLeft(cert.notAfter, new Date());
    const when = `${cert.notAfter.toISOString().slice(0, 10)}${cert.untrusted ? `, not trusted: ${cert.untrusted}` : ""}`;
    if (days < 0) throw new FaultError("certificate", `certificate expired ${-days} days ago (${when})`);
    if (days < opts.certWarnDays) throw new FaultError("certificate", `certificate expires in ${days} days (${when}); renew it`);
    return `${days} days left (${when})`;
  });
  const creds = opts.panelCredentials?.(target);
  const pin = target.resolved.panelCertSha256;

  const [[tcpSsh, ssh], http, [tcpHttps, tlsHttps], [tcpPanel, tlsPanel]] = await Promise.all([
    withPortCheck("ssh", ports.ssh, async (onConnect) => {
      const id = await readServerIdentity(address, ports.ssh, t, onConnect).catch((err: unknown) => {
        if (!(err instanceof ForgedSignatureError)) throw err;
        throw new FaultError("host-key", `FORGED IDENTITY: ${err.message}` +
          `${hostKey && sameHostKey(err.hostKey, hostKey) ? " (it is the pinned key: someone copied it and is in the middle)" : ""}`);
      });
      if (!hostKey) return `${id.banner}; host key ${id.fingerprint} (nothing pinned to compare with)`;
      if (!sameHostKey(id.hostKey, hostKey)) {
        throw new FaultError("host-key", `HOST KEY CHANGED: the server presented ${id.fingerprint}, not the pinned key; ` +
          "the server was replaced or someone is in the middle");
      }
      return `${id.banner}; host key ${id.fingerprint} matches the pinned key`;
    }),
    check(`tcp:${ports.http}`, () => tcpOpen(address, ports.http, t)),
    tls(ports.https),
    tls(ports.panel),
  ]);
  const verified = hostKey !== undefined && ssh.ok;
  const api = creds && pin && verified
    ? await check("virtualmin-api", () => virtualminInfo(address, ports.panel, target.fqdn, creds, pin, t).catch((err: unknown) => {
      if (err instanceof PanelAuthError) throw new FaultError("auth", err.message);
      if (err instanceof PanelIdentityError) throw new FaultError("host-key", err.message);
      throw err;
    }))
    : undefined;
  const checks = [tcpSsh, http, tcpHttps, tcpPanel, ssh, tlsHttps, tlsPanel, ...(api ? [api] : [])];
  return { target, checks, healthy: checks.every((c) => c.ok) };
}

/** Runs a check over a connection and reports `tcp:<port>` from the same
 *  connection: open once TCP is up, else failed with the check's own reason. */
async function withPortCheck(name: string, port: number, run: (onConnect: () => void) => Promise<string>): Promise<[CheckResult, CheckResult]> {
  const started = performance.now();
  let connectedMs: number | undefined;
  const result = await check(name, () => run(() => { connectedMs = Math.round(performance.now() - started); }));
  const tcp: CheckResult = connectedMs !== undefined
    ? { name: `tcp:${port}`, ok: true, detail: "open", ms: connectedMs }
    : { name: `tcp:${port}`, ok: false, detail: result.detail, ms: result.ms, fault: "down" };
  return [tcp, result];
}

/** A failure that is not the check's usual fault (a certificate near its end rather
 *  than a port down, a changed host key rather than no answer). */
class FaultError extends Error {
  constructor(readonly fault: Fault, message: string) {
    super(message);
  }
}

/** Runs one check; a failure is `down` unless it says otherwise. The detail quotes
 *  what the node sent (a banner, a certificate's names, an API answer): a hostile node
 *  must not reach the terminal, the state files or the alerts with control characters. */
async function check(name: string, run: () => Promise<string>): Promise<CheckResult> {
  const { error, ...timedOutcome } = await timed(run);
  const outcome = { ...timedOutcome, detail: escapeControl(timedOutcome.detail) };
  if (outcome.ok) return { name, ...outcome };
  return { name, ...outcome, fault: error instanceof FaultError ? error.fault : "down" };
}
