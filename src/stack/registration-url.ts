import { isIP } from "node:net";

/** Why a registration URL must not be used, or undefined when it may. The request carries
 *  the bearer token and the panel's API password, so it goes over TLS only (plain HTTP
 *  only to this machine's loopback, where nothing crosses a network), and the URL holds
 *  no credentials of its own: they would sit in stack files, logs and previews. Shared by
 *  the `registrationUrl` stack setting and the register command, which checks again at
 *  run time because its URL comes from the environment. */
export function registrationUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a URL; expected e.g. https://platform.example.com/api/nodes";
  }
  if (url.username || url.password) {
    return "must not contain credentials (user:password@); the token is the secret registrationToken";
  }
  // The node's name is appended to the path, which a query or fragment would break, and
  // a query is where tokens hide, to be printed with the URL in every log line.
  if (value.includes("?") || value.includes("#")) {
    return "must not contain a query (?…) or fragment (#…): the node's name is appended to the path, and the token is the secret registrationToken";
  }
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:") {
    return isLoopback(url.hostname) ? undefined
      : `must use https:// (plain http:// only for loopback addresses, not "${url.hostname}")`;
  }
  return `must be an https:// URL, not ${url.protocol.replace(/:$/, "")}://`;
}

/** `localhost`, 127.0.0.0/8 and ::1: the only hosts plain HTTP may reach. */
function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return isIP(host) === 6 && (host === "::1" || /^::ffff:7f[0-9a-f]{2}:/.test(host));
}
