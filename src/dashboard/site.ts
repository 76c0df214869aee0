import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FAVICON, SCRIPT, STYLESHEET } from "./assets";
import type { DashboardModel, NodeView } from "./model";
import { nodePath, renderIndex, renderNode } from "./pages";

/** The dashboard's files by path (index.html, nodes/<hostname>.html, the stylesheet and
 *  the script): what the server answers and what `--out` writes, from one function. */
export function siteFile(model: DashboardModel, path: string, refreshSeconds: number): { type: string; body: string } | undefined {
  if (path === "" || path === "index.html") return { type: "text/html; charset=utf-8", body: indexOf(model, refreshSeconds) };
  if (path === "dashboard.css") return { type: "text/css; charset=utf-8", body: STYLESHEET };
  if (path === "dashboard.js") return { type: "text/javascript; charset=utf-8", body: SCRIPT };
  if (path === "favicon.svg") return { type: "image/svg+xml", body: FAVICON };
  const node = pagesOf(model).get(path);
  return node ? { type: "text/html; charset=utf-8", body: renderNode(model, node, refreshSeconds) } : undefined;
}

const indexes = new WeakMap<DashboardModel, string>();

/** The list, rendered once per model: every visitor between two refreshes gets the same page. */
function indexOf(model: DashboardModel, refreshSeconds: number): string {
  let page = indexes.get(model);
  if (page === undefined) indexes.set(model, page = renderIndex(model, refreshSeconds));
  return page;
}

const pages = new WeakMap<DashboardModel, Map<string, NodeView>>();

/** Node pages by path, made once per model: a 10,000-node fleet must not search its list per page. */
function pagesOf(model: DashboardModel): Map<string, NodeView> {
  let byPath = pages.get(model);
  if (!byPath) pages.set(model, byPath = new Map(model.nodes.map((n) => [nodePath(n.plan.hostname), n])));
  return byPath;
}

/** Writes every page as static files under `dir` (no refresh: a CI artifact is a
 *  snapshot). Returns how many files were written. */
export function writeSite(model: DashboardModel, dir: string): number {
  mkdirSync(join(dir, "nodes"), { recursive: true });
  const paths = ["index.html", "dashboard.css", "dashboard.js", "favicon.svg", ...model.nodes.map((n) => nodePath(n.plan.hostname))];
  for (const path of paths) writeFileSync(join(dir, path), siteFile(model, path, 0)!.body);
  return paths.length;
}
