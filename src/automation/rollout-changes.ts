import { resolve } from "node:path";
import type { Deployment } from "@pulumi/pulumi/automation";
import { loadCatalog } from "../catalog/load";
import { configDigest, filesDigest, playbookFiles } from "../components/playbook-digest";
import { validateFleetFile } from "../fleet/validate";
import { planFleet } from "../plan/node-plan";
import { reprovisioned, type RecordedStep } from "../rollout/changes";
import type { NodeCondition } from "../rollout/deferral";
import { hasErrors, InvalidInputError } from "../source/issues";
import { readStackFile } from "../stack/stack-file";
import { nodeResourceOf } from "./urn";

/** A node's provisioning step in the state, with what its configuration digest is
 *  computed from besides the fleet file: the server id and the host key line. */
export interface ProvisionStep extends RecordedStep {
  readonly serverId?: string;
  readonly hostKeyLine?: string;
}

/** The provisioning steps of `pulumi stack export`'s checkpoint: their recorded
 *  NODE_CONFIG_DIGEST and NODE_HOST_KEY inputs (plain values; the step's secrets are
 *  other keys) and their node's server id. */
export function provisionSteps(deployment: Deployment): ProvisionStep[] {
  const resources = (deployment.deployment as { resources?: unknown } | undefined)?.resources;
  if (!Array.isArray(resources)) return [];
  const servers = new Map<string, string>();
  const steps: { hostname: string; urn: string; env: Record<string, unknown> }[] = [];
  for (const r of resources as { urn?: unknown; id?: unknown; inputs?: { environment?: unknown } }[]) {
    if (typeof r.urn !== "string") continue;
    const where = nodeResourceOf(r.urn);
    if (where?.role === "server" && typeof r.id === "string") servers.set(where.hostname, r.id);
    if (where?.role === "provision") {
      const env = r.inputs?.environment;
      steps.push({ hostname: where.hostname, urn: r.urn, env: env && typeof env === "object" ? env as Record<string, unknown> : {} });
    }
  }
  return steps.map(({ hostname, urn, env }) => {
    const text = (key: string) => (typeof env[key] === "string" ? { [key]: env[key] as string } : {});
    const digest = text("NODE_CONFIG_DIGEST").NODE_CONFIG_DIGEST;
    const hostKeyLine = text("NODE_HOST_KEY").NODE_HOST_KEY;
    const serverId = servers.get(hostname);
    return { hostname, urn, ...(digest ? { digest } : {}), ...(hostKeyLine ? { hostKeyLine } : {}), ...(serverId ? { serverId } : {}) };
  });
}

/** The stack's nodes as the fleet file declares them now: what goes into their digest,
 *  and whether they are in maintenance. */
export interface DesiredNode {
  readonly hostname: string;
  readonly rebuild: number;
  readonly ansibleVars: unknown;
  readonly maintenance: boolean;
}

export interface DesiredFleet {
  readonly nodes: readonly DesiredNode[];
  /** The digest of the tracked files under ansible/ (src/program.ts computes it alike). */
  readonly playbookDigest: string;
}

/** Reads the stack file, the catalog and the fleet file of the project, as the stack
 *  program does (src/program.ts), without Pulumi: what a deployment would declare. */
export function desiredFleet(projectDir: string, stack: string): DesiredFleet {
  const { stack: file, issues } = readStackFile(projectDir, stack);
  if (!file) throw new InvalidInputError(issues);
  const settings = file.settings;
  const catalog = loadCatalog(settings.catalogDir === undefined ? undefined : resolve(projectDir, settings.catalogDir));
  const validation = validateFleetFile(resolve(projectDir, settings.fleetFile), catalog);
  if (!validation.fleet || hasErrors(validation.issues)) throw new InvalidInputError(validation.issues);
  const nodes = planFleet(validation.fleet, catalog, settings).map((p) => ({
    hostname: p.hostname, rebuild: p.rebuild, ansibleVars: p.ansibleVars, maintenance: p.status === "maintenance",
  }));
  return { nodes, playbookDigest: filesDigest(projectDir, playbookFiles(projectDir).files) };
}

/** What a deployment of `desired` would re-provision, with the steps' URNs, and each
 *  node's maintenance status. A step whose server id or host key the state lacks has no
 *  digest to compare and is left out. */
export function changesOf(deployment: Deployment, desired: DesiredFleet): { steps: RecordedStep[]; conditions: NodeCondition[] } {
  const recorded = provisionSteps(deployment);
  const byHost = new Map(desired.nodes.map((n) => [n.hostname, n]));
  const digests = new Map<string, string>();
  for (const step of recorded) {
    const node = byHost.get(step.hostname);
    if (!node || !step.serverId || !step.hostKeyLine) continue;
    digests.set(step.hostname, configDigest(step.serverId, step.hostKeyLine, node.rebuild, node.ansibleVars, desired.playbookDigest));
  }
  return {
    steps: reprovisioned(recorded, digests),
    conditions: desired.nodes.map((n) => ({ hostname: n.hostname, maintenance: n.maintenance })),
  };
}
