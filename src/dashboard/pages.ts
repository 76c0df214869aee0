import { eur } from "../format/money";
import { META_CSP } from "./assets";
import { html, type SafeHtml } from "./html";
import { FILTERS, type DashboardModel, type NodeView } from "./model";

/** The address of a node's page, relative to the list. Hostnames are validated names,
 *  encoded all the same so the path can only ever be one file. */
export function nodePath(hostname: string): string {
  return `nodes/${encodeURIComponent(hostname)}.html`;
}

function page(title: string, assets: string, refreshSeconds: number, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${META_CSP}"><meta name="referrer" content="no-referrer">
<title>${title}</title><link rel="icon" href="${assets}favicon.svg"><link rel="stylesheet" href="${assets}dashboard.css"><script src="${assets}dashboard.js" defer></script></head>
<body data-refresh="${refreshSeconds}">${body}</body></html>
`.text;
}

const FILTER_LABELS: Record<(typeof FILTERS)[number], string> = {
  environment: "all environments", type: "all types", provider: "all providers", country: "all countries", health: "any status",
};

function filterValue(node: NodeView, filter: (typeof FILTERS)[number]): string {
  return filter === "health" ? node.health : node.plan[filter];
}

/** The node list: overview cards, filters and search, one coloured tile per node. */
export function renderIndex(model: DashboardModel, refreshSeconds: number): string {
  const c = model.cards;
  // Kept small, ten thousand of them make the page: the filter values in FILTERS order in
  // one attribute (dashboard.js splits it), the display name and address in the title.
  const tiles = model.nodes.map((n) => html`<a class="h-${n.health}" href="${nodePath(n.plan.hostname)}" data-f="${FILTERS.map((f) => filterValue(n, f)).join(" ")}" title="${[n.plan.displayName, n.outputs?.ipv4, n.health].filter((x) => x).join(" · ")}">${n.plan.hostname}</a>`);
  const selects = FILTERS.map((f) => {
    const values = [...new Set(model.nodes.map((n) => filterValue(n, f)))].sort();
    return html`<select data-filter="${f}" data-index="${FILTERS.indexOf(f)}" aria-label="${f}"><option value="">${FILTER_LABELS[f]}</option>${values.map((v) => html`<option>${v}</option>`)}</select>`;
  });
  return page(`node-fleet: stack ${model.stack}`, "", refreshSeconds, html`
<header><h1>Stack ${model.stack}</h1><span class="muted">generated ${model.generatedAt}</span></header>
<section class="cards">
<div class="card" id="card-total"><b>${c.total}</b>nodes</div><div class="card" id="card-active"><b>${c.active}</b>active</div>
<div class="card" id="card-pending"><b>${c.pending}</b>pending</div><div class="card" id="card-failed"><b>${c.failed}</b>failed</div>
<div class="card" id="card-maintenance"><b>${c.maintenance}</b>maintenance</div><div class="card" id="card-cost"><b>${eur(c.monthlyCostEur)}</b>per month</div>
</section>
${model.notes.length > 0 ? html`<ul class="notes">${model.notes.map((n) => html`<li>${n}</li>`)}</ul>` : false}
<div id="filters" role="search"><input type="search" id="q" placeholder="hostname, name or address" aria-label="search">${selects}<span id="shown" class="muted">${model.nodes.length} of ${model.nodes.length} shown</span></div>
<nav id="tiles" class="tiles">${tiles}</nav>
`);
}

function rows(pairs: readonly (readonly [string, unknown])[]): SafeHtml {
  return html`<table>${pairs.map(([k, v]) => html`<tr><th>${k}</th><td>${v === undefined ? "—" : String(v)}</td></tr>`)}</table>`;
}

function when(iso: string | undefined): string | undefined {
  return iso?.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC");
}

/** One node: everything the sources hold about it, and the commands that act on it. */
export function renderNode(model: DashboardModel, node: NodeView, refreshSeconds: number): string {
  const p = node.plan;
  const d = node.deployment;
  const inc = node.incident;
  return page(`${p.hostname} — node-fleet`, "../", refreshSeconds, html`
<header><h1>${p.hostname}</h1><span class="badge h-${node.health}" id="health">${node.health}${node.state ? ` (${node.state})` : ""}</span>
<a href="../index.html">all nodes of stack ${model.stack}</a></header>
<p class="muted">${p.displayName} · generated ${model.generatedAt}</p>
<h2>Configuration</h2>
${rows([["environment", p.environment], ["type", p.type], ["provider", p.provider], ["location", `${p.city} (${p.region}, ${p.location})`],
    ["size", p.serverType], ["image", p.image], ["status", p.status], ["protection", p.protect ? "protected" : "not protected"],
    ["rebuild generation", p.rebuild], ["panel", `${p.panel.name} ${p.panel.version} (Webmin ${p.panel.webminVersion})`],
    ["local backups", p.backups.enabled ? `${p.backups.schedule}, kept ${p.backups.retentionDays} days` : "off"]])}
<h2>Addresses</h2>
${rows([["IPv4", node.outputs?.ipv4], ["IPv6", node.outputs?.ipv6], ["server id", node.outputs?.serverId],
    ["host key", node.outputs?.hostKeyFingerprint], ["FQDN", p.fqdn]])}
<h2>Health</h2>
<p>${node.lastCheckAt ? `last checked ${when(node.lastCheckAt)}` : "never checked"}</p>
${node.checks.length > 0 ? html`<table id="checks"><tr><th>check</th><th>result</th><th>ms</th><th>detail</th></tr>${node.checks.map((ch) =>
    html`<tr><td>${ch.name}</td><td class="${ch.ok ? "" : "fail"}">${ch.ok ? "ok" : "FAIL"}</td><td>${ch.ms}</td><td>${ch.detail}</td></tr>`)}</table>` : false}
<h2>Incidents</h2>
${inc ? html`<div id="incident">${rows([["open", inc.id], ["kind", inc.kind], ["status", inc.status], ["opened", when(new Date(inc.openedAt).toISOString())],
    ["seen", inc.seen.join("; ")], ["held", inc.held]])}
${inc.attempts.length > 0 ? html`<table><tr><th>step</th><th>at</th><th>result</th><th>detail</th></tr>${inc.attempts.map((a) =>
    html`<tr><td>${a.step}</td><td>${when(new Date(a.at).toISOString())}</td><td>${a.ok ? "ok" : "failed"}</td><td>${a.detail}</td></tr>`)}</table>` : false}</div>` : html`<p>none open</p>`}
<p class="muted">${node.closedIncidents} closed incident${node.closedIncidents === 1 ? "" : "s"} in the health state</p>
<h2>Off-node backup</h2>
<p id="backup">${node.backup ? `${node.backup.ok ? "ok" : "FLAG"}: ${node.backup.detail}` : "not reported by the last health round"}</p>
<h2>Last deployment</h2>
${d ? html`<p>${d.operation} · correlation ${d.correlationId}</p>
<table id="phases"><tr><th>phase</th><th>state</th><th>started</th><th>duration</th></tr>${d.phases.map((ph) =>
    html`<tr><td>${ph.label}</td><td class="${ph.state === "failed" ? "fail" : ""}">${ph.state}</td><td>${when(ph.startedAt) ?? "—"}</td><td>${ph.durationSeconds !== undefined ? `${ph.durationSeconds} s` : "—"}</td></tr>`)}</table>
<pre id="log">${d.log.join("\n")}</pre>` : html`<p>no deployment recorded in the audit log</p>`}
<h2>Cost</h2>
${rows([["per month", eur(p.monthlyCostEur)], ["per hour", `€${p.hourlyCostEur}`], ["server created", when(node.createdAt)],
    ["to date", node.costToDateEur !== undefined ? eur(node.costToDateEur) : undefined]])}
<h2>Act on it</h2>
<pre id="commands">${node.commands.join("\n")}</pre>
`);
}
