import type { PlannedNode, PlannedResource, StackPlan } from "../offline/plan-stack";
import { eur, table } from "./format";

/** The `--json` document: stable field names for tools and reviewers' scripts. */
export function planJson(plan: StackPlan): string {
  return JSON.stringify({
    stack: plan.stack,
    environment: plan.environment,
    nodes: plan.nodes.map((n) => ({
      hostname: n.hostname, fqdn: n.fqdn, monthlyCostEur: n.monthlyCostEur, protect: n.protect,
      resources: n.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs, dependsOn: r.dependsOn })),
    })),
    fleetResources: plan.fleetResources.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })),
    resourceCount: plan.resourceCount,
    totalMonthlyCostEur: plan.totalMonthlyCostEur,
    secretsNeeded: plan.secretsNeeded,
  }, null, 2);
}

/** A short summary of the inputs a reviewer checks, per resource type. */
export function keyInputs(r: PlannedResource): string {
  const i = r.inputs;
  const s = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  switch (r.type) {
    case "tls:index/privateKey:PrivateKey": return `algorithm=${s(i.algorithm)}`;
    case "hcloud:index/sshKey:SshKey": return `name=${s(i.name)}`;
    case "hcloud:index/firewall:Firewall": return `name=${s(i.name)}, ${Array.isArray(i.rules) ? i.rules.length : 0} inbound rules`;
    case "hcloud:index/server:Server":
      return `type=${s(i.serverType)} image=${s(i.image)} location=${s(i.location)} protection=${i.deleteProtection ? "on" : "off"}`;
    case "hcloud:index/rdns:Rdns": return `ptr=${s(i.dnsPtr)}`;
    case "cloudflare:index/dnsRecord:DnsRecord": return `${s(i.type)} ${s(i.name)} ttl=${s(i.ttl)} ${i.proxied ? "proxied" : "not proxied"}`;
    case "random:index/randomPassword:RandomPassword": return `length=${s(i.length)}`;
    case "command:local:Command": return `create=${s(i.create)}${i.delete ? ` delete=${s(i.delete)}` : ""}`;
    default: return "";
  }
}

/** Firewall rules grouped by source, e.g. `22/tcp from 203.0.113.10/32`. */
export function firewallSummary(node: PlannedNode): string[] {
  const fw = node.resources.find((r) => r.type === "hcloud:index/firewall:Firewall");
  const rules = (fw?.inputs.rules ?? []) as { protocol: string; port?: string; sourceIps?: string[] }[];
  const groups = new Map<string, string[]>();
  for (const rule of rules) {
    const sources = (rule.sourceIps ?? []).join(", ");
    const label = sources === "0.0.0.0/0, ::/0" ? "anywhere" : sources.length > 60 ? `${rule.sourceIps?.length} ranges (Cloudflare)` : sources;
    groups.set(label, [...(groups.get(label) ?? []), rule.port ? `${rule.port}/${rule.protocol}` : rule.protocol]);
  }
  return [...groups].map(([from, ports]) => `${ports.join(" ")} from ${from}`);
}

function dnsNames(node: PlannedNode): string[] {
  return node.resources.filter((r) => r.type === "cloudflare:index/dnsRecord:DnsRecord").map((r) => `${String(r.inputs.type)} ${String(r.inputs.name)}`);
}

function serverLine(node: PlannedNode): string {
  const server = node.resources.find((r) => r.type === "hcloud:index/server:Server");
  return server ? `${String(server.inputs.serverType)} ${String(server.inputs.image)} in ${String(server.inputs.location)}` : "";
}

/** Human-readable plan for a terminal. */
export function planText(plan: StackPlan): string {
  const lines = [`Stack ${plan.stack}: ${plan.nodes.length} node${plan.nodes.length === 1 ? "" : "s"}, ` +
    `${plan.resourceCount} resources, ${eur(plan.totalMonthlyCostEur)}/month`];
  for (const node of plan.nodes) {
    lines.push("", `${node.hostname}  ${node.fqdn}  ${serverLine(node)}  ${eur(node.monthlyCostEur)}/month${node.protect ? "  protected" : ""}`);
    lines.push(table(["type", "name", "key inputs"], node.resources.map((r) => [r.type, r.name, keyInputs(r)]))
      .split("\n").map((l) => `  ${l}`).join("\n"));
    lines.push(...firewallSummary(node).map((f) => `  firewall: ${f}`));
    lines.push(`  dns: ${dnsNames(node).join(", ")} (not proxied)`);
  }
  for (const r of plan.fleetResources) lines.push("", `fleet: ${r.type} ${r.name} ${keyInputs(r)}`);
  lines.push("", `Total: ${eur(plan.totalMonthlyCostEur)}/month for ${plan.nodes.length} nodes`);
  lines.push(...secretsNote(plan));
  return lines.join("\n");
}

/** The same for a pull request comment. */
export function planMarkdown(plan: StackPlan): string {
  const lines = [
    `### node-fleet plan: stack \`${plan.stack}\``,
    "",
    `${plan.nodes.length} nodes, ${plan.resourceCount} resources, **${eur(plan.totalMonthlyCostEur)}/month**`,
    "",
    "| node | server | cost/month | protected | resources |",
    "| --- | --- | ---: | --- | ---: |",
    ...plan.nodes.map((n) => `| \`${n.hostname}\` | ${serverLine(n)} | ${eur(n.monthlyCostEur)} | ${n.protect ? "yes" : "no"} | ${n.resources.length} |`),
  ];
  for (const node of plan.nodes) {
    lines.push("", `<details><summary><code>${node.hostname}</code> — ${node.fqdn}</summary>`, "",
      "| type | name | key inputs |", "| --- | --- | --- |",
      ...node.resources.map((r) => `| \`${r.type}\` | \`${r.name}\` | ${keyInputs(r)} |`), "",
      ...firewallSummary(node).map((f) => `- firewall: ${f}`), `- dns: ${dnsNames(node).join(", ")}`, "", "</details>");
  }
  lines.push("", ...secretsNote(plan));
  return lines.join("\n");
}

function secretsNote(plan: StackPlan): string[] {
  if (plan.secretsNeeded.length === 0) return [];
  return [`Secrets a real \`pulumi up -s ${plan.stack}\` still needs (pulumi config set --secret KEY VALUE): ${plan.secretsNeeded.join(", ")}`];
}
