import * as cloudflare from "@pulumi/cloudflare";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import type { NodePlan } from "../plan/node-plan";
import { cloudInit } from "./cloud-init";
import { STEP_COMMANDS } from "./commands";
import { cloudProvider } from "./providers";

/** Steps are commands whose `triggers` replace them: a protected step could never
 *  re-run, so steps opt out of the protection they would inherit from the node. */
const REPLACEABLE_STEP = { protect: false } as const;

/** Registration with the hosting platform; absent when auto-registration is off. */
export interface RegistrationArgs {
  readonly url: string;
  readonly token: pulumi.Output<string>;
  /** Seconds the whole registration (retries included) may take. */
  readonly timeoutSeconds: number;
}

export interface HostingNodeArgs {
  /** Everything decided about this node. */
  readonly plan: NodePlan;
  /** Cloudflare zone from stack config `node-fleet:cloudflareZoneId`. */
  readonly zoneId: pulumi.Input<string>;
  /** The fleet's master key id at the provider, when the stack configures one. */
  readonly masterSshKeyId?: pulumi.Input<string>;
  /** Digest of ansible/: a change re-runs provisioning. */
  readonly playbookDigest: string;
  /** Seconds provisioning may wait for SSH after the server boots. */
  readonly sshWaitSeconds: number;
  readonly registration?: RegistrationArgs;
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
  /** Settles once every child resource is registered with the engine. */
  public readonly registered: Promise<void>;

  constructor(name: string, args: HostingNodeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("node-fleet:index:HostingNode", name, {}, opts);
    const { plan } = args;
    const child = { parent: this };

    // The tls and random SDKs mark private keys and passwords as secret outputs; the
    // values handed on are wrapped again so they stay secret whatever produced them.
    const adminKey = new tls.PrivateKey(`${name}-admin-key`, { algorithm: "ED25519" }, child);
    const hostKey = new tls.PrivateKey(`${name}-host-key`, { algorithm: "ED25519" }, child);
    const hostPublicKey = hostKey.publicKeyOpenssh.apply((k) => k.trim());
    const userData = pulumi.secret(pulumi.all([hostKey.privateKeyOpenssh, hostPublicKey]).apply(([priv, pub]) =>
      cloudInit({ hostname: plan.hostname, fqdn: plan.fqdn, hostPrivateKey: priv, hostPublicKey: pub })));

    const server = cloudProvider(plan.provider).declareServer(name, {
      plan,
      adminPublicKey: adminKey.publicKeyOpenssh,
      userData,
      extraSshKeyIds: args.masterSshKeyId ? [args.masterSshKeyId] : [],
    }, this);

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

    const provision = new command.local.Command(`${name}-provision`, {
      create: STEP_COMMANDS.provision,
      environment: {
        NODE_HOSTNAME: plan.hostname,
        NODE_HOST: server.ipv4,
        NODE_PORT: "22",
        NODE_USER: "root",
        NODE_HOST_KEY: hostPublicKey,
        NODE_VARS: JSON.stringify(plan.ansibleVars),
        NODE_SSH_WAIT: String(args.sshWaitSeconds),
        NODE_PANEL_PASSWORD: panelPassword,
      },
      stdin: pulumi.secret(adminKey.privateKeyOpenssh),
      logging: command.types.enums.local.Logging.StdoutAndStderr,
      triggers: [server.id, plan.rebuild, args.playbookDigest],
    }, { ...child, ...REPLACEABLE_STEP, dependsOn: [...records, ...server.ready] });

    let registration: command.local.Command | undefined;
    if (args.registration) {
      const reg = args.registration;
      registration = new command.local.Command(`${name}-register`, {
        create: STEP_COMMANDS.register,
        delete: STEP_COMMANDS.deregister,
        environment: {
          REGISTRATION_URL: reg.url,
          REGISTRATION_TOKEN: reg.token,
          REGISTRATION_TIMEOUT: String(reg.timeoutSeconds),
          NODE_HOSTNAME: plan.hostname,
          NODE_REGISTRATION: pulumi.jsonStringify(registrationPayload(plan, server)),
          PANEL_API_PASSWORD: panelPassword,
        },
        logging: command.types.enums.local.Logging.Stderr,
      }, {
        ...child,
        ...REPLACEABLE_STEP,
        dependsOn: [provision],
        // Without it, a replacement's delete (run with the old inputs) would deregister
        // the new registration of the same hostname.
        deleteBeforeReplace: true,
      });
    }

    this.hostname = pulumi.output(plan.hostname);
    this.fqdn = pulumi.output(plan.fqdn);
    this.ipv4 = server.ipv4;
    this.ipv6 = server.ipv6;
    this.serverId = server.id;
    this.size = pulumi.output(plan.serverType);
    this.monthlyCostEur = pulumi.output(plan.monthlyCostEur);
    this.registered = allRegistered([adminKey, hostKey, password, ...server.resources, ...records, provision, ...(registration ? [registration] : [])]);
    this.registerOutputs({
      hostname: this.hostname, fqdn: this.fqdn, ipv4: this.ipv4, ipv6: this.ipv6,
      serverId: this.serverId, size: this.size, monthlyCostEur: this.monthlyCostEur,
    });
  }
}

/** Resolves when the engine has taken every resource (its URN is known then). */
function allRegistered(resources: readonly pulumi.Resource[]): Promise<void> {
  return Promise.all(resources.map((r) => new Promise<void>((done) => r.urn.apply(() => done())))).then(() => undefined);
}

/** What the platform is told about a node (seed 000 register_in_platform); the panel
 *  password is added by the registration command from its own secret variable. */
function registrationPayload(plan: NodePlan, server: { id: pulumi.Output<string>; ipv4: pulumi.Output<string>; ipv6: pulumi.Output<string> }) {
  return {
    hostname: plan.hostname,
    fqdn: plan.fqdn,
    displayName: plan.displayName,
    serverId: server.id,
    ipv4: server.ipv4,
    ipv6: server.ipv6,
    environment: plan.environment,
    type: plan.type,
    provider: plan.provider,
    region: plan.region,
    location: plan.location,
    size: plan.serverType,
    capacity: plan.capacity,
    status: plan.status,
    replaces: plan.replaces ?? null,
    panel: { type: plan.panel.id, version: plan.panel.version, apiUrl: plan.panel.apiUrl, apiUser: plan.panel.apiUser },
    monthlyCostEur: plan.monthlyCostEur,
    correlationId: plan.correlationId,
  };
}
