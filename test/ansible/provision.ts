import { spawn } from "node:child_process";
import { join } from "node:path";
import { parseFleet } from "../../src/fleet/load";
import { planFleet, type NodePlan } from "../../src/plan/node-plan";
import type { StackSettings } from "../../src/stack/settings";
import { readStackFile } from "../../src/stack/stack-file";
import { bundledCatalog } from "../helpers";

const ROOT = join(__dirname, "../..");

/** The plan of one dev node, exactly as the stack program computes it from the dev
 *  stack's settings, with `settings` on top. */
export function devNodePlan(hostname: string, settings: Partial<StackSettings> = {}): NodePlan {
  const { fleet } = parseFleet("fleet.yaml", `nodes:\n  ${hostname}: { size: cx23, image: debian-12 }\n`);
  return planFleet(fleet!, bundledCatalog(), { ...readStackFile(ROOT, "dev").stack!.settings, ...settings })[0]!;
}

export interface ProvisionRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** Runs ansible/bin/provision the way the HostingNode's command does: the command text
 *  alone, inputs in the environment, the admin key on stdin. */
export function provision(env: Record<string, string>, adminPrivateKey: string): Promise<ProvisionRun> {
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(join(ROOT, "ansible/bin/provision"), [], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) => done({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 }));
    child.stdin.end(adminPrivateKey);
  });
}

/** `changed=N` of the play recap. */
export function changedCount(stdout: string): number {
  const match = /changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)/.exec(stdout);
  if (!match) throw new Error(`no play recap in the output:\n${stdout.slice(-2000)}`);
  return Number(match[1]);
}

/** The tasks a run reports `changed` for, as `role : task name`: what broke idempotence. */
export function changedTasks(stdout: string): string[] {
  return [...stdout.matchAll(/^TASK \[([^\]]+)\][^\n]*\n(?:(?!TASK \[)[^\n]*\n)*?changed: /gm)].map((m) => m[1]!);
}
