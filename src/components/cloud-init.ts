import { stringify } from "yaml";

/** What cloud-init needs to give a new server its identity. */
export interface CloudInitInput {
  readonly hostname: string;
  readonly fqdn: string;
  /** The pinned SSH host key pair (OpenSSH format). */
  readonly hostPrivateKey: string;
  readonly hostPublicKey: string;
}

/** User data for a node: hostname and FQDN, and the pinned ED25519 host key, so the
 *  first SSH connection can verify the server instead of trusting on first use. The
 *  image's generated host keys are deleted and none are generated, so the pinned key
 *  is the only one sshd offers. Nothing else happens here: the playbook configures. */
export function cloudInit(input: CloudInitInput): string {
  const config = {
    hostname: input.hostname,
    fqdn: input.fqdn,
    prefer_fqdn_over_hostname: false,
    manage_etc_hosts: true,
    ssh_pwauth: false,
    disable_root: false,
    ssh_deletekeys: true,
    // Only missing types are generated, and ssh_keys has just written the ed25519 one.
    ssh_genkeytypes: ["ed25519"],
    ssh_keys: {
      ed25519_private: ensureNewline(input.hostPrivateKey),
      ed25519_public: input.hostPublicKey.trim(),
    },
  };
  return `#cloud-config\n${stringify(config, { lineWidth: 0 })}`;
}

function ensureNewline(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}
