import type { NodePlan } from "../plan/node-plan";
import type { InputChange, ResourceStep } from "./engine-step";

/** What happens to a node as a whole. */
export const NODE_CHANGES = ["create", "update", "resize", "rebuild", "delete", "blocked", "unchanged"] as const;
export type NodeChangeKind = (typeof NODE_CHANGES)[number];

/** Changes a reviewer must approve on purpose: data is erased or the engine refuses. */
export const DESTRUCTIVE: readonly NodeChangeKind[] = ["rebuild", "delete", "blocked"];

export interface NodeChange {
  readonly hostname: string;
  readonly stack: string;
  readonly change: NodeChangeKind;
  /** The consequences in words, most serious first. */
  readonly consequences: readonly string[];
  /** For a blocked change: the exact steps that let it proceed. */
  readonly steps: readonly string[];
  readonly monthlyCostEurBefore: number;
  readonly monthlyCostEurAfter: number;
  /** Resources with their steps; empty for a node whose resolved plan did not change
   *  (it is not planned resource by resource). */
  readonly resources: readonly ResourceStep[];
}

const suffix = (step: ResourceStep, end: string) => step.name.endsWith(end);
const find = (steps: readonly ResourceStep[], end: string) => steps.find((s) => suffix(s, end));

/** Classifies a node's resource steps. */
export function nodeChangeKind(before: NodePlan | undefined, after: NodePlan | undefined,
  steps: readonly ResourceStep[]): NodeChangeKind {
  if (steps.some((s) => s.blocked)) return "blocked";
  if (!after) return "delete";
  if (!before) return "create";
  const server = find(steps, "-server");
  if (server?.action === "replace") return "rebuild";
  if (server?.action === "update" && server.changes.some((c) => c.input === "serverType")) return "resize";
  return steps.some((s) => s.action !== "unchanged") ? "update" : "unchanged";
}

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

function rebuildReasons(server: ResourceStep | undefined, before?: NodePlan, after?: NodePlan): string {
  const reasons = (server?.replaceBecause ?? []).map((input) => {
    if (input === "replacementTrigger") return `rebuild counter ${before?.rebuild} → ${after?.rebuild}`;
    const change = server?.changes.find((c) => c.input === input);
    return change ? `${input} ${show(change.before)} → ${show(change.after)}` : input;
  });
  return reasons.length > 0 ? ` (because: ${reasons.join("; ")})` : "";
}

/** What a rebuilt server takes from today's program besides what forced the rebuild:
 *  the engine re-checks the program's inputs for a replacement, ignoreChanges included
 *  (engine-rules.ts replacementInputs). The location first: it moves the node. */
function replacementTakes(server: ResourceStep): string | undefined {
  const taken = server.changes.filter((c) => !server.replaceBecause.includes(c.input))
    .sort((a, b) => Number(b.input === "location") - Number(a.input === "location"));
  if (taken.length === 0) return undefined;
  return `the new server takes what the program declares today, not what the old one had: ${taken.map((c) => `${c.input} ${show(c.before)} → ${show(c.after)}`).join("; ")}`;
}

const PRIMARY_IP = "hcloud:index/primaryIp:PrimaryIp";

/** Whether a rebuilt node answers on the same addresses: its Primary IPs are neither
 *  replaced nor deleted, so the new server is created with them and the DNS records and
 *  reverse DNS that name them stay. */
function addressWords(steps: readonly ResourceStep[], plan: NodePlan): string {
  const ips = steps.filter((s) => s.type === PRIMARY_IP);
  const kept = ips.length === 2 && ips.every((s) => s.action === "unchanged" || s.action === "update");
  return kept
    ? `addresses kept: the new server gets the node's own IPv4 and IPv6 (${ips.map((s) => s.name).join(", ")}); its DNS records and reverse DNS stay`
    : `addresses change: the new server gets new IPv4 and IPv6 addresses; ${plan.fqdn} follows after the DNS TTL, but customers' domains that point at the old addresses stop reaching the node`;
}

interface Rule { description: string; port?: string; protocol: string; sourceIps: string[] }

/** Who a firewall change affects: the sources added or removed per rule. */
function firewallWords(change: InputChange, fqdn: string): string[] {
  const rules = (v: unknown): Rule[] => (Array.isArray(v) ? (v as Rule[]) : []);
  const label = (r: Rule) => `${r.description} (${r.port ? `${r.port}/` : ""}${r.protocol})`;
  const before = new Map(rules(change.before).map((r) => [label(r), r]));
  const after = new Map(rules(change.after).map((r) => [label(r), r]));
  const words: string[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const was = new Set(before.get(key)?.sourceIps ?? []);
    const now = new Set(after.get(key)?.sourceIps ?? []);
    const added = [...now].filter((s) => !was.has(s));
    const removed = [...was].filter((s) => !now.has(s));
    if (added.length === 0 && removed.length === 0) continue;
    words.push(`firewall ${key} on ${fqdn}: ${[
      added.length > 0 ? `newly allowed from ${added.join(", ")}` : "",
      removed.length > 0 ? `no longer reachable from ${removed.join(", ")}` : "",
    ].filter(Boolean).join("; ")}`);
  }
  return words;
}

/** The consequences of a node's change in words, as a careful operator would say them. */
export function consequences(kind: NodeChangeKind, before: NodePlan | undefined, after: NodePlan | undefined,
  steps: readonly ResourceStep[]): string[] {
  const plan = (after ?? before)!;
  const server = find(steps, "-server");
  const words: string[] = [];
  const blocked = steps.filter((x) => x.blocked).sort((a, b) => Number(b === server) - Number(a === server));
  for (const reason of new Set(blocked.map((x) => x.blocked))) {
    const names = blocked.filter((x) => x.blocked === reason).map((x) => x.name.slice(plan.hostname.length + 1));
    const verb = !after ? "remove the node" : server?.blocked ? `rebuild the node${rebuildReasons(server, before, after)}` : "replace protected resources";
    words.push(`blocked: this change would ${verb}, ` +
      `but ${reason} (${names.join(", ")}); nothing is changed until it is unblocked`);
  }
  if (kind === "create") {
    words.push(`new node: ${plan.serverType} in ${plan.city} (${plan.location}), image ${plan.image}; provisioned and registered with the platform`);
  } else if (!after) {
    words.push(`removed: the server, its disk, its sites and its local backups are destroyed; DNS records for ${plan.fqdn} are deleted; the node is deregistered`);
  } else if (server?.action === "replace") {
    words.push(`rebuild — the node's disk, its sites and its local backups are erased${rebuildReasons(server, before, after)}`);
    const takes = replacementTakes(server);
    if (takes) words.push(takes);
    words.push(addressWords(steps, plan));
  }
  const resize = server?.action === "update" ? server.changes.find((c) => c.input === "serverType") : undefined;
  if (resize) words.push(`resize in place ${show(resize.before)} → ${show(resize.after)}: the server powers off for about a minute; disk and data stay`);
  if (before && after && before.status !== after.status) {
    words.push(after.status === "maintenance"
      ? "enters maintenance: the platform stops placing new sites on it"
      : "leaves maintenance: the platform may place new sites on it again");
  }
  if (kind !== "create" && after) {
    const fw = find(steps, "-fw");
    const rules = fw?.changes.find((c) => c.input === "rules");
    if (rules) words.push(...firewallWords(rules, plan.fqdn));
    for (const dns of steps.filter((s) => s.type.startsWith("cloudflare:") && s.action !== "unchanged")) {
      words.push(`DNS ${dns.name.slice(plan.hostname.length + 1).toUpperCase()} record of ${plan.fqdn} ${dns.action === "replace" ? "is recreated" : "changes"}` +
        `${dns.changes.length > 0 ? ` (${dns.changes.map((c) => c.input).join(", ")})` : ""}: everyone resolving it sees the new value after the TTL`);
    }
    const provision = find(steps, "-provision");
    if (server?.action !== "replace" && provision && provision.action !== "unchanged") {
      words.push(`provisioning re-runs in place (${provision.changes.map((c) => c.input).join(", ") || provision.replaceBecause.join(", ")}); sites and data stay`);
    }
    const register = find(steps, "-register");
    if (server?.action !== "replace" && register && register.action !== "unchanged") words.push("the platform registration is sent again");
  }
  if (words.length === 0 && steps.some((s) => s.action !== "unchanged")) {
    words.push(`updated in place: ${steps.filter((s) => s.action !== "unchanged").map((s) => s.name.slice(plan.hostname.length + 1)).join(", ")}`);
  }
  return words;
}

/** The exact steps that let a blocked change proceed. Outside prd the node's own
 *  `protect: false` lifts Pulumi's protect and Hetzner's protection in one deployment.
 *  In prd the policy pack requires protected servers, so an admin lifts the protection
 *  of exactly the blocked resources by hand — in the state (`pulumi state unprotect`,
 *  which the engine's check `new.Protect && old.Protect` then lets through) and at
 *  Hetzner — and the change then deploys as reviewed. */
export function unblockSteps(kind: NodeChangeKind, node: { hostname: string; stack: string; environment: string },
  steps: readonly ResourceStep[], removed: boolean): string[] {
  if (kind !== "blocked") return [];
  const blocked = steps.filter((s) => s.blocked);
  const server = blocked.some((s) => s.type === "hcloud:index/server:Server");
  const what = removed ? "the removal" : server ? "the rebuild" : "the replacement";
  if (node.environment !== "prd") {
    return [
      `In a first pull request keep ${node.hostname} and set \`protect: false\` on it in fleet.yaml; after merging, run \`pulumi up -s ${node.stack}\` ` +
        "(it only lifts Pulumi's protect and Hetzner's delete and rebuild protection).",
      `Then make this change in a second pull request; \`fleet diff\` shows ${what} instead of a block.`,
      ...(removed ? [] : [`Afterwards remove \`protect: false\` from ${node.hostname}.`]),
    ];
  }
  // A removal deletes the node's component too, which carries the node's protect
  // (step.go DeleteStep.Apply refuses it like any protected resource).
  const urns = [...(removed && blocked[0] ? [componentUrn(blocked[0].urn, node.hostname)] : []), ...blocked.map((s) => s.urn)];
  return [
    `An admin approves ${what} of ${node.hostname} in this pull request (prd servers stay protected by policy).`,
    ...(server ? [`Just before deploying, lift Hetzner's protection: \`hcloud server disable-protection ${node.hostname} delete rebuild\`.`] : []),
    `Lift Pulumi's protection of exactly ${urns.length === 1 ? "this resource" : `these ${urns.length} resources`} in the state, for this one deployment: ` +
      `\`pulumi state unprotect -s ${node.stack} --yes ${urns.map((u) => `'${u}'`).join(" ")}\`.`,
    `Merge and deploy (\`pulumi up -s ${node.stack}\`): the real \`pulumi preview\` shows ${what} instead of the block (the offline diff keeps showing it), and the deployment protects everything it creates again.`,
  ];
}

/** The URN of the node's component, from the URN of one of its children: the child's
 *  parent-type chain ends with the component's type (plan-batch.ts engineUrn). */
function componentUrn(childUrn: string, hostname: string): string {
  return `${childUrn.slice(0, childUrn.lastIndexOf("$"))}::${hostname}`;
}
