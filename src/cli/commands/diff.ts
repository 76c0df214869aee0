import { diffRevisions } from "../../review/diff";
import { diffJson } from "../../review/report-json";
import { diffMarkdown } from "../../review/report-markdown";
import { diffText } from "../../review/report-text";
import { EXIT, type Io } from "../format";

export interface DiffOptions {
  readonly base: string;
  readonly stack?: string;
  readonly projectDir: string;
  readonly format: "text" | "json" | "markdown";
}

/** `fleet diff`: what merging the working tree over REF would do, node by node. */
export async function diffCommand(io: Io, opts: DiffOptions): Promise<number> {
  const started = Date.now();
  const diff = await diffRevisions({
    projectDir: opts.projectDir, baseRef: opts.base, ...(opts.stack ? { stacks: [opts.stack] } : {}), progress: io.err,
  });
  const render = { text: diffText, json: diffJson, markdown: diffMarkdown }[opts.format];
  io.out(render(diff));
  io.err(`compared ${diff.nodes.length} nodes in ${((Date.now() - started) / 1000).toFixed(1)}s` +
    (diff.destructive.length > 0 ? `; ${diff.destructive.length} destructive (exit ${EXIT.destructiveChange})` : ""));
  if (diff.policy.length > 0) {
    io.err(`${diff.policy.length} policy violations:`);
    for (const v of diff.policy) io.err(`  ${v.policy}: ${v.resource}: ${v.message}`);
    return EXIT.invalidInput;
  }
  return diff.destructive.length > 0 ? EXIT.destructiveChange : EXIT.ok;
}
