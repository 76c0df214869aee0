import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Catalog } from "../../catalog/catalog";
import { insertNode } from "../../fleet/add-node";
import { NODE_DEFAULTS } from "../../fleet/schema";
import { fqdn } from "../../fleet/naming";
import { nextHostname, type NameRequest } from "../../fleet/next-name";
import type { NodeFields } from "../../fleet/schema";
import { validateFleetText } from "../../fleet/validate";
import { formatIssue, hasErrors } from "../../source/issues";
import { readStackFile } from "../../stack/stack-file";
import { EXIT, printIssues, type Io } from "../format";

export interface AddOptions extends NameRequest {
  readonly fleet: string;
  readonly size: string;
  readonly displayName?: string;
  readonly image?: string;
  readonly panel?: string;
  readonly dryRun: boolean;
}

/** `fleet add`: names the next node, inserts it into the fleet file keeping comments
 *  and layout, validates the result, and only then writes it (all or nothing). */
export function addCommand(io: Io, catalog: Catalog, opts: AddOptions): number {
  let text: string;
  try {
    text = readFileSync(opts.fleet, "utf8");
  } catch (err) {
    io.err(`fleet add: cannot read ${opts.fleet}: ${(err as Error).message}`);
    return EXIT.invalidInput;
  }
  const before = validateFleetText(opts.fleet, text, catalog);
  if (!before.fleet || hasErrors(before.issues)) {
    printIssues(io, before.issues);
    io.err(`fleet add: ${opts.fleet} has errors; fix them first (nothing was written)`);
    return EXIT.invalidInput;
  }
  const named = nextHostname(before.fleet.nodes.map((n) => n.hostname), opts, catalog);
  if ("error" in named) {
    io.err(`fleet add: ${named.error}`);
    return EXIT.usage;
  }
  const size = catalog.size(opts.provider, opts.size);
  if (size?.deprecated) {
    io.err(`fleet add: size "${opts.size}" is deprecated and can no longer be ordered` +
      (size.replacedBy ? `; use ${size.replacedBy}` : ""));
    return EXIT.usage;
  }

  const fields: NodeFields = {
    size: opts.size,
    ...(opts.displayName !== undefined ? { displayName: opts.displayName } : {}),
    // Written on the node, always: no later edit of defaults can then rebuild it.
    image: opts.image ?? NODE_DEFAULTS.image,
    ...(opts.panel !== undefined ? { panel: opts.panel } : {}),
  };
  const updated = insertNode(text, named.hostname, fields);
  const after = validateFleetText(opts.fleet, updated, catalog);
  const known = new Set(before.issues.map(formatIssue));
  const fresh = after.issues.filter((i) => !known.has(formatIssue(i)));
  if (hasErrors(fresh)) {
    for (const issue of fresh) io.err(`fleet add: ${named.hostname}: ${issue.message}`);
    io.err("fleet add: nothing was written");
    return EXIT.invalidInput;
  }

  if (opts.dryRun) {
    io.out(updated.trimEnd());
  } else {
    const temporary = join(dirname(opts.fleet), `.${named.hostname}.fleet.yaml.tmp`);
    writeFileSync(temporary, updated, "utf8");
    renameSync(temporary, opts.fleet);
  }
  const stack = readStackFile(dirname(opts.fleet), opts.env).stack;
  io.out(`hostname: ${named.hostname}`);
  io.out(stack ? `fqdn:     ${fqdn(named.hostname, stack.settings.dnsZone)}`
    : `fqdn:     (unknown: Pulumi.${opts.env}.yaml next to ${opts.fleet} has no valid node-fleet:dnsZone)`);
  io.out(opts.dryRun ? "dry run: nothing was written" : `added to ${opts.fleet}`);
  return EXIT.ok;
}
