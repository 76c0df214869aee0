import { eur } from "../format/money";
import { META_CSP } from "./assets";
import { html, jsonData, type SafeHtml } from "./html";
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

/** One tile of the list, as the page's script reads it: hostname, the node page's address,
 *  the tile's title (display name, address, health), then the filter values in FILTERS order. */
type TileRow = readonly [hostname: string, path: string, title: string, ...filterValues: string[]];

function tileRow(n: NodeView): TileRow {
  return [n.plan.hostname, nodePath(n.plan.hostname), [n.plan.displayName, n.outputs?.ipv4, n.health].filter((x) => x).join(" · "),
    ...FILTERS.map((f) => filterValue(n, f))];
}

/** The node list: overview cards, filters and search, one coloured tile per node. The
 *  tiles travel as data and dashboard.js puts on screen only the rows in view: ten
 *  thousand tiles as elements cost a second and more to parse, style and lay out (see
 *  docs/dashboard-and-metrics.md), the few hundred in view a few milliseconds. */
export function renderIndex(model: DashboardModel, refreshSeconds: number): string {
  const c = model.cards;
  const selects = FILTERS.map((f) => {
    const values = [...new Set(model.nodes.map((n) => filterValue(n, f)))].sort();
    return html`<select data-filter="${f}" aria-label="${f}"><option value="">${FILTER_LABELS[f]}</option>${values.map((v) => html`<option>${v}</option>`)}</select>`;
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
<noscript><p class="notes">The tiles need JavaScript; each node's page is nodes/&lt;hostname&gt;.html.</p></noscript>
<nav id="tiles" class="tiles" aria-label="nodes"></nav>
${jsonData("tile-data", { filters: FILTERS, tiles: model.nodes.map(tileRow) })}
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
