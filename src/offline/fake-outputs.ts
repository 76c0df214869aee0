import { isSecretValue, type OutputFaker } from "../offline/recorder";

/** Outputs for `fleet diff`'s plans: every address and key a resource would compute is a
 *  known token carrying the resource's mock id. Known values let a change show through
 *  inputs built from them (the registration payload holds the server's addresses), and
 *  the id in each token lets the comparison forget exactly the values of a resource that
 *  is created or replaced (compare.ts), as the engine's preview shows them unknown. */
export const reviewOutputs: OutputFaker = (type, name, inputs, id) => {
  switch (type) {
    case "command:local:Command":
      return name.endsWith("-provision") ? { stdout: provisionPin(inputs, `pinnedkeyof${id}`) } : {};
    case "hcloud:index/server:Server":
      return { ipv4Address: `ipv4-of-${id}`, ipv6Address: `ipv6-of-${id}` };
    case "hcloud:index/primaryIp:PrimaryIp":
      return { ipAddress: `${String(inputs.type)}-of-${id}` };
    case "tls:index/privateKey:PrivateKey":
      return { publicKeyOpenssh: `ssh-ed25519 public-key-of-${id}`, privateKeyOpenssh: `private-key-of-${id}` };
    case "random:index/randomPassword:RandomPassword":
      return { result: `password-of-${id}` };
    default:
      return {};
  }
};

/** The lines ansible/bin/provision prints for the host key and panel certificate it
 *  pinned (src/components/host-key-pin.ts). */
export function provisionPin(inputs: Record<string, unknown>, key: string, panelCert?: string): string {
  // The environment holds secrets, so the mock monitor sees it wrapped as a secret value.
  const given = (inputs.environment ?? {}) as Record<string, unknown>;
  const environment = (isSecretValue(given) ? given.value : given) as Record<string, unknown>;
  const id = String(environment.NODE_SERVER_ID);
  return `node-fleet-host-key ${id} ssh-ed25519 ${key}\n${panelCert ? `node-fleet-panel-cert ${id} ${panelCert}\n` : ""}`;
}
