import * as cloudflare from "@pulumi/cloudflare";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import type { NodePlan } from "../plan/node-plan";
import { cloudInit } from "./cloud-init";
import { STEP_COMMANDS, STEP_GRACE_SECONDS } from "./commands";
import { pinnedHostKey, pinnedPanelCert } from "./host-key-pin";
import { configDigest } from "./playbook-digest";
import { cloudProvider } from "./providers";
import { registrationStep, type RegistrationArgs } from "./registration";

/** Time limits of a node, in seconds (stack `timeouts`). */
export interface NodeTimeouts {
  readonly serverCreate: number;
  readonly provision: number;
  readonly sshWait: number;
  readonly registration: number;
}

export interface HostingNodeArgs {
  /** Everything decided about this node. */
  readonly plan: NodePlan;
  /** Cloudflare zone from stack config `node-fleet:cloudflareZoneId`. */
  readonly zoneId: pulumi.Input<string>;
  /** Digest of the tracked files under ansible/: a change re-runs provisioning. */
  readonly playbookDigest: string;
  readonly timeouts: NodeTimeouts;
  readonly registration?: RegistrationArgs;
  /** The Hetzner token (`hcloud:token`), for powering a resized server back on; when
   *  absent the step uses HCLOUD_TOKEN from the CLI's environment. */
  readonly hcloudToken?: pulumi.Output<string>;
  /** The object store's secret key (`node-fleet:offsiteBackupSecretKey`), when backups leave the node. */
  readonly offsiteBackupSecretKey?: pulumi.Output<string>;
}

/** Options every step shares. Steps are never replaced (no `triggers`): they re-run
 *  through `update`, so they keep the node's protection like everything else. Their
 *  output may echo what they were given, so it is secret, and it is never handed to the
 *  next run's environment (pulumi-command local/commandOutputs.go run() does that unless
 *  addPreviousOutputInEnv is false). */
const STEP_OUTPUTS_SECRET = { additionalSecretOutputs: ["stdout", "stderr"] };

/** A time limit the command provider enforces (pulumi-go-provider middleware/cancel
 *  Wrap: context.WithTimeout, then exec.CommandContext kills the process). */
function stepTimeout(seconds: number): string {
  return `${seconds + STEP_GRACE_SECONDS}s`;
}

/** One shared-hosting node: keys, server (through its provider), DNS, provisioning and
 *  registration. It maps a NodePlan to resources and decides nothing itself. */
export class HostingNode extends pulumi.ComponentResource {
  public readonly hostname: pulumi.Output<string>;
  public readonly fqdn: pulumi.Output<string>;
  public readonly ipv4: pulumi.Output<string>;
  public readonly ipv6: pulumi.Output<string>;
  public readonly serverId: pulumi.Output<string>;
  public readonly size: pulumi.Output<string>;
  public readonly monthlyCostEur: pulumi.Output<number>;
  /** The host key the node's SSH server presents (`ssh-ed25519 AAAA…`), pinned by
   *  provisioning and by `fleet health`. */
  public readonly hostPublicKey: pulumi.Output<string>;
  /** SHA-256 fingerprint (`AB:CD:…`) of the panel's TLS certificate read at provisioning,
   *  or "" while the node has none; `fleet health` sends the password only to it. */
  public readonly panelCertSha256: pulumi.Output<string>;
  /** The panel's remote API password (secret). */
  public readonly panelPassword: pulumi.Output<string>;
  /** The password of the node's backup repository (secret). It has no keepers, so it
   *  outlives rebuilds: the rebuilt node opens the repository its predecessor wrote. */
  public readonly backupPassword: pulumi.Output<string>;
  /** The node's admin private key (secret), for `fleet restore` to log in with. */
  public readonly adminPrivateKey: pulumi.Output<string>;
  /** Settles once every child resource is registered with the engine. */
  public readonly registered: Promise<void>;

  constructor(name: string, args: HostingNodeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("node-fleet:index:HostingNode", name, {}, opts);
    const { plan, timeouts } = args;
    // Every child inherits the node's protection from opts: nothing of a protected node
    // can be deleted or replaced until the node itself is unprotected.
    const child = { parent: this };

    // The tls and random SDKs mark private keys and passwords as secret outputs; the
    // values handed on are wrapped again so they stay secret whatever produced them.
    const adminKey = new tls.PrivateKey(`${name}-admin-key`, { algorithm: "ED25519" }, child);
    // Only the first boot's key: provisioning replaces it on the node (host-key-pin.ts).
    // A key of its own for each server: it is replaced with what replaces the server (the
    // rebuild counter, the image), so a key read from user data in an earlier life never
    // matches the pin of the rebuilt node's first provisioning.
    const hostKey = new tls.PrivateKey(`${name}-host-key`, { algorithm: "ED25519" }, { ...child, replacementTrigger: serverLife(plan) });
    const userDataHostKey = hostKey.publicKeyOpenssh.apply((k) => k.trim());
    const adminPrivateKey = pulumi.secret(adminKey.privateKeyOpenssh);
    const hcloudToken: Record<string, pulumi.Output<string>> = args.hcloudToken ? { HCLOUD_TOKEN: pulumi.secret(args.hcloudToken) } : {};
    const userData = pulumi.secret(pulumi.all([hostKey.privateKeyOpenssh, userDataHostKey]).apply(([priv, pub]) =>
      cloudInit({ hostname: plan.hostname, fqdn: plan.fqdn, hostPrivateKey: priv, hostPublicKey: pub })));

    // Before a resize: the provider would pull the power cord (terraform-provider-hcloud
    // internal/server/resource.go resourceServerUpdate: Poweroff, then ChangeType), so the
    // node is shut down cleanly first. The script acts only when the size differs from
    // the one it recorded (its previous stdout), so no other change ever stops a node.
    // It shuts the node down through Hetzner's API, never over SSH: ordered before the
    // server, it could not pin the host key that provisioning rotates.
    const powerOff = new command.local.Command(`${name}-power-off`, {
      create: STEP_COMMANDS.powerOff,
      update: STEP_COMMANDS.powerOff,
      environment: {
        NODE_HOSTNAME: plan.hostname, NODE_SERVER_TYPE: plan.serverType, NODE_WAIT: String(timeouts.sshWait), ...hcloudToken,
      },
      logging: command.types.enums.local.Logging.Stderr,
      addPreviousOutputInEnv: true,
    }, { ...child, additionalSecretOutputs: ["stderr"], customTimeouts: { create: stepTimeout(timeouts.sshWait), update: stepTimeout(timeouts.sshWait) } });

    const server = cloudProvider(plan.provider).declareServer(name, {
      plan, adminPublicKey: adminKey.publicKeyOpenssh, userData, createTimeoutSeconds: timeouts.serverCreate, after: [powerOff],
    }, this);

    // Powers the server on whenever Hetzner reports it off. It reads the power-off step's
    // output (a fresh run id each run), so it re-runs after every power-off run — also on
    // the next deployment when this one stopped between the two (a type change that failed).
    const powerOn = new command.local.Command(`${name}-power-on`, {
      create: STEP_COMMANDS.powerOn,
      update: STEP_COMMANDS.powerOn,
      environment: {
        NODE_HOSTNAME: plan.hostname, NODE_SERVER_ID: server.id, NODE_SERVER_TYPE: server.serverType,
        NODE_POWER_OFF_RUN: powerOff.stdout, NODE_WAIT: String(timeouts.sshWait), ...hcloudToken,
      },
      logging: command.types.enums.local.Logging.Stderr,
      addPreviousOutputInEnv: false,
    }, { ...child, additionalSecretOutputs: ["stderr"], customTimeouts: { create: stepTimeout(timeouts.sshWait), update: stepTimeout(timeouts.sshWait) } });

    const records = plan.dnsRecords.map((record) => new cloudflare.DnsRecord(`${name}-${record.type.toLowerCase()}`, {
      zoneId: args.zoneId,
      name: record.name,
      type: record.type,
      content: record.type === "A" ? server.ipv4 : server.ipv6,
      ttl: record.ttl,
      proxied: record.proxied,
      comment: `node-fleet ${plan.hostname}`,
    }, child));

    const password = new random.RandomPassword(`${name}-panel-password`, {
      length: 32, special: false, keepers: { rebuild: String(plan.rebuild) },
    }, child);
    const panelPassword = pulumi.secret(password.result);
    const backupPassword = new random.RandomPassword(`${name}-backup-password`, { length: 48, special: false }, child);
    const backupSecrets: Record<string, pulumi.Output<string>> = {
      NODE_RESTIC_PASSWORD: pulumi.secret(backupPassword.result),
      ...(args.offsiteBackupSecretKey ? { NODE_BACKUP_SECRET_KEY: pulumi.secret(args.offsiteBackupSecretKey) } : {}),
    };

    // What the node is configured from. The script records it on the node and skips the
    // playbook when it is unchanged, so a change of a timing knob never re-runs it.
    const nodeConfigDigest = pulumi.all([server.id, userDataHostKey]).apply(([id, hostKeyLine]) =>
      configDigest(id, hostKeyLine, plan.rebuild, plan.ansibleVars, args.playbookDigest));
    const provision = new command.local.Command(`${name}-provision`, {
      create: STEP_COMMANDS.provision,
      update: STEP_COMMANDS.provision,
      environment: {
        NODE_HOSTNAME: plan.hostname,
        NODE_HOST: server.ipv4,
        NODE_PORT: "22",
        NODE_USER: "root",
        NODE_HOST_KEY: userDataHostKey,
        NODE_SERVER_ID: server.id,
        NODE_VARS: JSON.stringify(plan.ansibleVars),
        NODE_CONFIG_DIGEST: nodeConfigDigest,
        NODE_SSH_WAIT: String(timeouts.sshWait),
        NODE_TIMEOUT: String(timeouts.provision),
        NODE_PANEL_PASSWORD: panelPassword,
        ...backupSecrets,
      },
      stdin: adminPrivateKey,
      logging: command.types.enums.local.Logging.StdoutAndStderr,
      // The previous stdout carries the key pinned at the first run (PULUMI_COMMAND_STDOUT).
      addPreviousOutputInEnv: true,
    }, {
      ...child, ...STEP_OUTPUTS_SECRET,
      customTimeouts: { create: stepTimeout(timeouts.provision), update: stepTimeout(timeouts.provision) },
      dependsOn: [...records, ...server.ready, powerOn],
    });

    const registration = new command.local.Command(`${name}-register`, args.registration
      ? registrationStep(plan, server, args.registration, timeouts.registration, panelPassword)
      // Auto-registration off: the step stays, inert (pulumi-command Create/Update/Delete
      // run nothing without a command), so switching the feature off deregisters nobody.
      : {},
    {
      ...child, ...STEP_OUTPUTS_SECRET,
      dependsOn: [provision],
      customTimeouts: { create: stepTimeout(timeouts.registration), update: stepTimeout(timeouts.registration), delete: stepTimeout(timeouts.registration) },
    });

    this.hostname = pulumi.output(plan.hostname);
    this.fqdn = pulumi.output(plan.fqdn);
    this.ipv4 = server.ipv4;
    this.ipv6 = server.ipv6;
    this.serverId = server.id;
    this.size = pulumi.output(plan.serverType);
    this.monthlyCostEur = pulumi.output(plan.monthlyCostEur);
    // A public key: not secret, although the step's stdout it comes from is.
    this.hostPublicKey = pulumi.unsecret(pulumi.all([provision.stdout, server.id]).apply(([stdout, id]) => pinnedHostKey(stdout, id)));
    this.panelCertSha256 = pulumi.unsecret(pulumi.all([provision.stdout, server.id]).apply(([stdout, id]) => pinnedPanelCert(stdout, id)));
    this.panelPassword = panelPassword;
    this.backupPassword = backupSecrets.NODE_RESTIC_PASSWORD!;
    this.adminPrivateKey = adminPrivateKey;
    this.registered = allRegistered([adminKey, hostKey, powerOff, ...server.resources, powerOn, ...records, password, backupPassword, provision, registration]);
    this.registerOutputs({
      hostname: this.hostname, fqdn: this.fqdn, ipv4: this.ipv4, ipv6: this.ipv6,
      serverId: this.serverId, size: this.size, monthlyCostEur: this.monthlyCostEur, hostPublicKey: this.hostPublicKey,
      panelCertSha256: this.panelCertSha256,
    });
  }
}

/** What replaces a node's server, and so starts a life of its own with a new host key:
 *  the rebuild counter (the server's replacementTrigger) and the image (a ForceNew input,
 *  src/review/replace-table.ts); userData and location are ignored changes. */
export function serverLife(plan: NodePlan): { rebuild: number; image: string } {
  return { rebuild: plan.rebuild, image: plan.image };
}

/** Resolves when the engine has taken every resource (its URN is known then). */
function allRegistered(resources: readonly pulumi.Resource[]): Promise<void> {
  return Promise.all(resources.map((r) => new Promise<void>((done) => r.urn.apply(() => done())))).then(() => undefined);
}
