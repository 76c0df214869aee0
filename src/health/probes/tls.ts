import { connect, createSecureContext, type SecureContext } from "node:tls";
import { withTimeout } from "./tcp";

let shared: SecureContext | undefined;
/** One client context for every probe: building one per connection (the default)
 *  costs more CPU than the handshake itself when a thousand nodes are checked. */
export function probeContext(): SecureContext {
  shared ??= createSecureContext();
  return shared;
}

/** What a TLS endpoint presented. */
export interface CertificateInfo {
  readonly notAfter: Date;
  /** Why the chain is not trusted (a fresh node's panel is self-signed), if it is not. */
  readonly untrusted?: string;
  readonly subject: string;
}

/** Completes a TLS handshake (SNI = the node's FQDN) and reads the leaf
 *  certificate. Trust is reported, not required: the checker watches expiry.
 *  `onConnect` hears when TCP is up. */
export function readCertificate(address: string, port: number, servername: string, timeoutMs: number, onConnect?: () => void): Promise<CertificateInfo> {
  const socket = connect({ host: address, port, servername, rejectUnauthorized: false, secureContext: probeContext() });
  if (onConnect) socket.once("connect", onConnect);
  const work = new Promise<CertificateInfo>((resolve, reject) => {
    socket.once("secureConnect", () => {
      const cert = socket.getPeerCertificate();
      const authError = socket.authorizationError;
      socket.destroy();
      if (!cert || !cert.valid_to) return reject(new Error("no certificate presented"));
      resolve({
        notAfter: new Date(cert.valid_to),
        subject: cert.subject?.CN ? String(cert.subject.CN) : "",
        ...(authError ? { untrusted: String(authError) } : {}),
      });
    });
    socket.once("error", (err: NodeJS.ErrnoException) => reject(new Error(err.code === "ECONNREFUSED" ? "refused" : err.code ?? err.message)));
  });
  return withTimeout(work, timeoutMs, () => socket.destroy());
}

/** Whole days from `now` to `notAfter`, rounded down (negative once expired). */
export function daysLeft(notAfter: Date, now: Date): number {
  return Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000);
}
