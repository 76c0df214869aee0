import { realpathSync } from "node:fs";
import { dirname } from "node:path";
import type { Catalog } from "../../catalog/catalog";
import { insertNode } from "../../fleet/add-node";
import { NODE_DEFAULTS } from "../../fleet/schema";
import { fqdn } from "../../fleet/naming";
import { nextHostname, type NameRequest } from "../../fleet/next-name";
import type { NodeFields } from "../../fleet/schema";
import { validateFleetText } from "../../fleet/validate";
import { withSignalsDeferred } from "../../source/defer-signals";
import { withFileLock } from "../../source/file-lock";
import { formatIssue, hasErrors } from "../../source/issues";
import { replaceFileContent } from "../../source/replace-file";
import { readTextFile } from "../../source/text-file";
import { readStackFile } from "../../stack/stack-file";
import { EXIT, exitCodeOf, printIssues, type Io } from "../format";

export interface AddOptions extends NameRequest {
  readonly fleet: string;
  readonly size: string;
  readonly displayName?: string;
  readonly image?: string;
  readonly panel?: string;
  readonly dryRun: boolean;
}

/** `fleet add`: names the next node, inserts it into the fleet file as added lines only,
 *  validates the result, and only then writes it (all or nothing). Writers are
 *  serialised by a lock file and the fleet is read under the lock, so parallel runs
 *  each add their own node under the name they print; an interrupt waits until the
 *  file and the lock are settled. `--dry-run` prints the new file alone on stdout (the
 *  summary goes to stderr) and takes no lock. */
export function addCommand(io: Io, catalog: Catalog, opts: AddOptions): number {
  if (opts.dryRun) {
    const added = addedText(io, catalog, opts);
    if (typeof added === "number") return added;
    io.out(added.text.replace(/\n$/, ""));
    summary(io.err, opts, added.hostname, "dry run: nothing was written");
    return EXIT.ok;
  }
  let target: string;
  try {
    target = realpathSync(opts.fleet);
  } catch {
    // Nothing to lock: the read reports why the file is missing (and nothing is written).
    const added = addedText(io, catalog, opts);
    return typeof added === "number" ? added : EXIT.invalidInput;
  }
  let result: { hostname: string } | number;
  try {
    // Signals are held back only while the lock is held: a Ctrl-C during the wait for
    // another writer ends the command at once. A signal in the instant between taking
    // the lock and holding signals back leaves a lock whose process is gone, which the
    // next writer breaks as stale.
    result = withFileLock(target, () => withSignalsDeferred(() => {
      const added = addedText(io, catalog, opts);
      if (typeof added === "number") return added;
      replaceFileContent(opts.fleet, added.text);
      return added;
    }), { onWait: (holder) => io.err(`fleet add: waiting for ${opts.fleet}, which is locked by ${holder}`) });
  } catch (err) {
    io.err(`fleet add: cannot write ${opts.fleet}: ${(err as Error).message} (nothing was written)`);
    const code = exitCodeOf(err);
    // An I/O failure (a full or read-only disk) is 74; a lock still held after the wait stays 1.
    return code === EXIT.internal ? EXIT.invalidInput : code;
  }
  if (typeof result === "number") return result;
  summary(io.out, opts, result.hostname, `added to ${opts.fleet}`);
  return EXIT.ok;
}

/** The fleet text with the new node, or the exit code after saying why not. */
function addedText(io: Io, catalog: Catalog, opts: AddOptions): { text: string; hostname: string } | number {
  const read = readTextFile(opts.fleet, opts.fleet, "fleet");
  if ("issue" in read) {
    printIssues(io, [read.issue]);
    io.err("fleet add: nothing was written");
    return EXIT.invalidInput;
  }
  const before = validateFleetText(opts.fleet, read.text, catalog);
  if (!before.fleet || hasErrors(before.issues)) {
    printIssues(io, before.issues);
    io.err(`fleet add: ${opts.fleet} has errors; fix them first (nothing was written)`);
    return EXIT.invalidInput;
  }
  const named = nextHostname(before.fleet.nodes.map((n) => n.hostname), opts, catalog);
  if ("error" in named) {
    io.err(`fleet add: ${named.error}`);
    return named.full ? EXIT.invalidInput : EXIT.usage;
  }
  const size = catalog.size(opts.provider, opts.size);
  if (size?.deprecated) {
    io.err(`fleet add: size "${opts.size}" is deprecated and can no longer be ordered` +
      (size.replacedBy ? `; use ${size.replacedBy}` : ""));
    return EXIT.invalidInput;
  }

  const fields: NodeFields = {
    size: opts.size,
    ...(opts.displayName !== undefined ? { displayName: opts.displayName } : {}),
    // Written on the node, always: no later edit of defaults can then rebuild it.
    image: opts.image ?? NODE_DEFAULTS.image,
    ...(opts.panel !== undefined ? { panel: opts.panel } : {}),
  };
  const inserted = insertNode(read.text, named.hostname, fields);
  if ("error" in inserted) {
    io.err(`fleet add: ${inserted.error} (nothing was written)`);
    return EXIT.invalidInput;
  }
  const after = validateFleetText(opts.fleet, inserted.text, catalog);
  const known = new Set(before.issues.map(formatIssue));
  const fresh = after.issues.filter((i) => !known.has(formatIssue(i)));
  if (hasErrors(fresh)) {
    for (const issue of fresh) io.err(`fleet add: ${named.hostname}: ${issue.message}`);
    io.err("fleet add: nothing was written");
    return EXIT.invalidInput;
  }
  return { text: inserted.text, hostname: named.hostname };
}

function summary(print: (line: string) => void, opts: AddOptions, hostname: string, outcome: string): void {
  const stack = readStackFile(dirname(opts.fleet), opts.env).stack;
  print(`hostname: ${hostname}`);
  print(stack ? `fqdn:     ${fqdn(hostname, stack.settings.dnsZone)}`
    : `fqdn:     (unknown: Pulumi.${opts.env}.yaml next to ${opts.fleet} has no valid node-fleet:dnsZone)`);
  print(outcome);
}
