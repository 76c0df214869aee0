import { isMap, isScalar, parseDocument } from "yaml";
import type { NodeFields } from "./schema";

/** Inserts a node into valid fleet text and returns the new text. Comments and layout
 *  of the rest of the file are kept; the node goes where it sorts among the others
 *  (hostnames sort by environment, type, provider, country, region, number). */
export function insertNode(text: string, hostname: string, fields: NodeFields): string {
  const doc = parseDocument(text);
  const nodes = isMap(doc.contents) ? doc.contents.get("nodes", true) : undefined;
  if (!isMap(nodes)) throw new Error("the fleet file has no `nodes:` map to add to");
  const body = doc.createNode(fields);
  if (isMap(body) && body.items.length === 0) body.flow = true;
  const after = nodes.items.findIndex((p) => isScalar(p.key) && String(p.key.value) > hostname);
  nodes.items.splice(after < 0 ? nodes.items.length : after, 0, doc.createPair(hostname, body));
  // An empty `nodes: {}` is a flow map; a file with nodes reads better in block style.
  nodes.flow = false;
  return doc.toString({ lineWidth: 0 });
}
