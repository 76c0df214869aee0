import type { OutputFaker } from "../offline/recorder";

/** Outputs for `fleet diff`'s plans: every address and key a resource would compute is a
 *  known token carrying the resource's mock id. Known values let a change show through
 *  inputs built from them (the registration payload holds the server's addresses), and
 *  the id in each token lets the comparison forget exactly the values of a resource that
 *  is created or replaced (compare.ts), as the engine's preview shows them unknown. */
export const reviewOutputs: OutputFaker = (type, _name, inputs, id) => {
  switch (type) {
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
