import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadCatalog } from "./catalog/load";
import { Fleet, type NodeOutputs } from "./components/fleet";
import { requireRebuildSupport } from "./components/engine-support";
import { filesDigest, playbookFiles } from "./components/playbook-digest";
import { readStackConfig } from "./config";
import { validateFleetFile } from "./fleet/validate";
import { planFleet } from "./plan/node-plan";
import { layoutOf, nodesOfStack } from "./shard/membership";
import { formatIssue, hasErrors } from "./source/issues";

/** The project directory (where Pulumi.yaml, fleet.yaml, catalog/ and ansible/ are),
 *  the same whether this runs from src/ under ts-node or from the compiled dist/. */
export const PROJECT_ROOT = resolve(__dirname, "..");

/** What `pulumi stack output` shows. */
export interface StackOutputs {
  environment: string;
  nodeCount: number;
  nodes: Record<string, NodeOutputs>;
  /** Panel API passwords by hostname (`fleet health`'s Virtualmin check). A top-level
   *  output of its own that is secret as a whole: `pulumi stack output` masks a secret
   *  nested in an object only inside it (display.MassageSecrets), and the Automation API
   *  takes an output as secret only when the whole value is masked (LocalWorkspace
   *  stackOutputs), so a password inside `nodes` would be shown as plain. */
  panelPasswords: pulumi.Output<Record<string, string>>;
  /** Backup repository passwords and admin private keys by hostname (`fleet restore`),
   *  each a top-level secret output for the same reason. Never sent to the platform. */
  backupPasswords: pulumi.Output<Record<string, string>>;
  adminKeys: pulumi.Output<Record<string, string>>;
  /** Each successor's predecessor (`replaces:`), so the deployment that creates a
   *  successor can restore the predecessor's backup onto it (src/restore/successors.ts). */
  successors: Record<string, string>;
  totalMonthlyCostEur?: number;
}

/** The stack program: config → fleet file → plans → one Fleet. Nothing is declared
 *  unless the config and the whole fleet file are valid. */
export async function program(): Promise<StackOutputs> {
  await requireRebuildSupport();
  const { settings, registrationToken, offsiteBackupSecretKey } = readStackConfig();
  const catalog = loadCatalog(settings.catalogDir === undefined ? undefined : resolve(PROJECT_ROOT, settings.catalogDir));
  const { fleet, issues } = validateFleetFile(resolve(PROJECT_ROOT, settings.fleetFile), catalog);
  for (const issue of issues.filter((i) => i.severity === "warning")) pulumi.log.warn(formatIssue(issue));
  if (!fleet || hasErrors(issues)) {
    throw new pulumi.RunError(`the fleet file is invalid; nothing was declared:\n${issues.map(formatIssue).join("\n")}`);
  }
  // A shard stack (prd-fsn1-a) deploys only its shard's nodes; see src/shard.
  const shards = layoutOf(pulumi.getStack(), settings);
  if (hasErrors(shards.issues)) throw new pulumi.RunError(shards.issues.map(formatIssue).join("\n"));
  const plans = nodesOfStack(planFleet(fleet, catalog, settings), pulumi.getStack(), settings.environment, shards.layout);
  const playbooks = playbookFiles(PROJECT_ROOT);
  if (!playbooks.tracked) pulumi.log.warn("ansible/ is not in a git checkout: every file there counts toward the playbook digest");
  const hcloudToken = new pulumi.Config("hcloud").getSecret("token");
  const nodes = await Fleet.declare(settings.environment, {
    plans,
    zoneId: settings.cloudflareZoneId,
    playbookDigest: filesDigest(PROJECT_ROOT, playbooks.files),
    timeouts: settings.timeouts,
    ...(registrationToken && settings.registrationUrl ? { registration: { url: settings.registrationUrl, token: registrationToken } } : {}),
    ...(hcloudToken ? { hcloudToken } : {}),
    ...(offsiteBackupSecretKey ? { offsiteBackupSecretKey } : {}),
  });
  return {
    environment: settings.environment,
    nodeCount: plans.length,
    nodes: nodes.nodes,
    panelPasswords: pulumi.secret(pulumi.all(nodes.panelPasswords)),
    backupPasswords: pulumi.secret(pulumi.all(nodes.backupPasswords)),
    adminKeys: pulumi.secret(pulumi.all(nodes.adminKeys)),
    successors: Object.fromEntries(plans.flatMap((p) => (p.replaces === undefined ? [] : [[p.hostname, p.replaces]]))),
    ...(settings.features.costTracking ? { totalMonthlyCostEur: nodes.totalMonthlyCostEur } : {}),
  };
}
