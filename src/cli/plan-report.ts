import type { PlanHeader, PlannedNode, PlannedResource, PlanSink } from "../offline/plan-stack";
import { eur } from "../format/money";
import { table } from "../format/table";

/** The `--json` document, written as the plan is made: stable field names for tools
 *  and reviewers' scripts, one node at a time (a 5,000-node plan is never one string). */
export function jsonSink(out: (text: string) => void): PlanSink {
  const field = (name: string, value: unknown, last = false) =>
    out(`  ${JSON.stringify(name)}: ${indent(JSON.stringify(value, null, 2), "  ")}${last ? "" : ","}`);
  // Each node is written when the next one arrives, so it knows whether a comma follows.
  let pending: string | undefined;
  return {
    header(h) {
      out("{");
      field("stack", h.stack);
      field("environment", h.environment);
      field("totalMonthlyCostEur", h.totalMonthlyCostEur);
      field("secretsNeeded", h.secretsNeeded);
      field("warnings", h.warnings);
      out('  "nodes": [');
    },
    nodes(nodes) {
      for (const n of nodes) {
        const node = { hostname: n.hostname, fqdn: n.fqdn, monthlyCostEur: n.monthlyCostEur, protect: n.protect,
          resources: n.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs, dependsOn: r.dependsOn })) };
        if (pending !== undefined) out(`${pending},`);
        pending = `    ${indent(JSON.stringify(node, null, 2), "    ")}`;
      }
    },
    summary(sum) {
      if (pending !== undefined) out(pending);
      out("  ],");
      field("fleetResources", sum.fleetResources.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })));
      field("resourceCount", sum.resourceCount, true);
      out("}");
    },
  };
}

function indent(text: string, by: string): string {
  return text.replaceAll("\n", `\n${by}`);
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

/** Human-readable plan for a terminal, written node by node. */
export function textSink(out: (text: string) => void): PlanSink {
  let header: PlanHeader | undefined;
  return {
    header(h) {
      header = h;
      out(`Stack ${h.stack}: ${nodeCount(h.nodeCount)}, ${eur(h.totalMonthlyCostEur)}/month`);
    },
    nodes(nodes) {
      for (const node of nodes) {
        const lines = ["", `${node.hostname}  ${node.fqdn}  ${serverLine(node)}  ${eur(node.monthlyCostEur)}/month${node.protect ? "  protected" : ""}`];
        lines.push(table(["type", "name", "key inputs"], node.resources.map((r) => [r.type, r.name, keyInputs(r)]))
          .split("\n").map((l) => `  ${l}`).join("\n"));
        lines.push(...firewallSummary(node).map((f) => `  firewall: ${f}`));
        lines.push(`  dns: ${dnsNames(node).join(", ")} (not proxied)`);
        out(lines.join("\n"));
      }
    },
    summary(sum) {
      const h = header!;
      const lines = sum.fleetResources.map((r) => `\nfleet: ${r.type} ${r.name} ${keyInputs(r)}`);
      lines.push("", `Total: ${eur(h.totalMonthlyCostEur)}/month for ${nodeCount(h.nodeCount)}, ${sum.resourceCount} resources`);
      lines.push(...secretsNote(h));
      out(lines.join("\n"));
    },
  };
}

/** The same for a pull request comment. The node table comes first, so the per-node
 *  details (a few lines each) are held until the plan is complete. */
export function markdownSink(out: (text: string) => void): PlanSink {
  let header: PlanHeader | undefined;
  const rows: string[] = [];
  const details: string[] = [];
  return {
    header(h) {
      header = h;
    },
    nodes(nodes) {
      for (const node of nodes) {
        rows.push(`| \`${node.hostname}\` | ${serverLine(node)} | ${eur(node.monthlyCostEur)} | ${node.protect ? "yes" : "no"} | ${node.resourceCount} |`);
        details.push(["", `<details><summary><code>${node.hostname}</code> — ${node.fqdn}</summary>`, "",
          "| type | name | key inputs |", "| --- | --- | --- |",
          ...node.resources.map((r) => `| \`${r.type}\` | \`${r.name}\` | ${keyInputs(r)} |`), "",
          ...firewallSummary(node).map((f) => `- firewall: ${f}`), `- dns: ${dnsNames(node).join(", ")}`, "", "</details>"].join("\n"));
      }
    },
    summary(sum) {
      const h = header!;
      out([`### node-fleet plan: stack \`${h.stack}\``, "",
        `${nodeCount(h.nodeCount)}, ${sum.resourceCount} resources, **${eur(h.totalMonthlyCostEur)}/month**`, "",
        ...h.warnings.map((w) => `> **${w.severity}**: ${w.message}`), ...(h.warnings.length ? [""] : []),
        "| node | server | cost/month | protected | resources |", "| --- | --- | ---: | --- | ---: |", ...rows,
        ...details, "", ...secretsNote(h)].join("\n"));
    },
  };
}

function nodeCount(n: number): string {
  return `${n} node${n === 1 ? "" : "s"}`;
}

function secretsNote(header: PlanHeader): string[] {
  if (header.secretsNeeded.length === 0) return [];
  return [`Secrets a real \`pulumi up -s ${header.stack}\` still needs (pulumi config set --secret KEY VALUE): ${header.secretsNeeded.join(", ")}`];
}
