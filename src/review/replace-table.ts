/** Which inputs of each resource type the provider replaces the resource for, and which
 *  it updates in place. Taken from the providers' own sources (the Pulumi SDKs bridge
 *  these Terraform providers; command is native):
 *  - hcloud (hetznercloud/terraform-provider-hcloud): internal/server/resource.go
 *    (`ForceNew` on image, location, datacenter, user_data, ssh_keys; server_type is an
 *    in-place resize), internal/firewall/resource.go (no ForceNew), internal/sshkey/
 *    resource.go (public_key RequiresReplace), internal/primaryip/resource.go (type and
 *    location RequiresReplace; the assignee, auto_delete, protection, name and labels
 *    are updated in place by Resource.Update), internal/rdns/resource.go (server_id,
 *    primary_ip_id, floating_ip_id, load_balancer_id, ip_address RequiresReplace);
 *  - cloudflare (cloudflare/terraform-provider-cloudflare v5): internal/services/
 *    dns_record/schema.go (zone_id and type RequiresReplace);
 *  - tls (hashicorp/terraform-provider-tls): internal/provider/resource_private_key.go
 *    (algorithm, rsa_bits, ecdsa_curve RequiresReplace);
 *  - random (hashicorp/terraform-provider-random): internal/provider/resource_password.go
 *    (every input RequiresReplace);
 *  - command (pulumi/pulumi-command v1.2.1): provider/pkg/provider/common/inputs.go
 *    (`triggers` is replaceOnChanges); any other change is an Update, which runs
 *    `update`, or `create` when there is none (local/commandController.go Update). */
export interface InputClasses {
  readonly replace: readonly string[];
  readonly update: readonly string[];
}

export const REPLACE_TABLE: Readonly<Record<string, InputClasses>> = {
  "hcloud:index/server:Server": {
    replace: ["image", "location", "datacenter", "userData", "sshKeys"],
    update: ["name", "serverType", "keepDisk", "allowDeprecatedImages", "backups", "iso", "rescue", "labels",
      "publicNets", "networks", "ignoreRemoteFirewallIds", "firewallIds", "placementGroupId", "deleteProtection",
      "rebuildProtection", "shutdownBeforeDeletion"],
  },
  "hcloud:index/firewall:Firewall": { replace: [], update: ["name", "labels", "applyTos", "rules"] },
  "hcloud:index/primaryIp:PrimaryIp": {
    replace: ["type", "location"],
    update: ["name", "labels", "autoDelete", "deleteProtection", "assigneeId", "assigneeType", "datacenter"],
  },
  "hcloud:index/sshKey:SshKey": { replace: ["publicKey"], update: ["name", "labels"] },
  "hcloud:index/rdns:Rdns": {
    replace: ["serverId", "primaryIpId", "floatingIpId", "loadBalancerId", "ipAddress"],
    update: ["dnsPtr"],
  },
  "cloudflare:index/dnsRecord:DnsRecord": {
    replace: ["zoneId", "type"],
    update: ["name", "content", "ttl", "proxied", "comment", "priority", "data", "settings", "tags"],
  },
  "tls:index/privateKey:PrivateKey": { replace: ["algorithm", "rsaBits", "ecdsaCurve"], update: [] },
  "random:index/randomPassword:RandomPassword": {
    replace: ["keepers", "length", "special", "upper", "lower", "numeric", "number", "minNumeric", "minUpper",
      "minLower", "minSpecial", "overrideSpecial"],
    update: [],
  },
  "command:local:Command": {
    replace: ["triggers"],
    update: ["create", "update", "delete", "environment", "stdin", "logging", "dir", "interpreter",
      "assetPaths", "archivePaths", "addPreviousOutputInEnv"],
  },
};

/** How a change to one input is applied: "replace", "update", or undefined when the
 *  table does not know the input (the caller must not guess). */
export function inputClass(type: string, input: string): "replace" | "update" | undefined {
  const classes = REPLACE_TABLE[type];
  if (!classes) return undefined;
  if (classes.replace.includes(input)) return "replace";
  if (classes.update.includes(input)) return "update";
  return undefined;
}
