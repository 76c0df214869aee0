import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { OperationRefusedError } from "../../src/automation/errors";
import type { DeployReport } from "../../src/automation/operations";
import { restoreSuccessors, successorsCreated, SuccessorRestoreError } from "../../src/restore/successors";
import type { RestoreOptions, RestoreReport } from "../../src/restore/restore-node";
import { fleet } from "../cli/run";
import { baseScenario, harness, ORIGINAL_PATH, type Harness } from "../automation/harness";
import { recordStack, type StackResource } from "../automation/stand-in/record-urns";
import { createNodeEvents, Events, STAND_IN_BIN, standIn } from "../automation/stand-in/scenario";

/** A successor (`replaces:`) that a deployment creates gets its predecessor's customers:
 *  `fleet up` then restores the predecessor's latest backup onto it. Deployments run
 *  through the Automation API against the stand-in pulumi; the restore on the node is a
 *  fake here (test/backup/panel-restore.test.ts runs the real one). */
const OLD = "prd-sha-het-de-fsn1-001";
const NEW = "prd-sha-het-de-fsn1-002";
const T0 = 1_790_000_000;
let resources: StackResource[];
let h: Harness | undefined;
let cleanupStandIn: (() => void) | undefined;

beforeAll(async () => {
  resources = await recordStack("prd");
});
afterEach(() => {
  h?.cleanup();
  cleanupStandIn?.();
  process.env.PATH = ORIGINAL_PATH;
  for (const name of ["STANDIN_DIR", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "NODE_FLEET_AUDIT_FILE"]) delete process.env[name];
});

/** A deployment whose update creates `created` (engine events), with the stack's outputs. */
async function deploy(created: string[], outputs: Record<string, unknown> = { successors: { [NEW]: OLD } }): Promise<DeployReport> {
  h = harness(scenario(created, outputs));
  return h.fleet.up({ correlationId: "deploy-1" });
}
function scenario(created: string[], outputs: Record<string, unknown>) {
  const events = created.reduce((ev, host, i) => createNodeEvents(ev, resources, host, T0 + i), new Events()).summary({ create: 12 * created.length }, T0 + 700);
  return baseScenario(resources, {
    operations: { up: { events: events.list } },
    outputs: Object.fromEntries(Object.entries({ environment: "prd", ...outputs }).map(([k, value]) => [k, { value, secret: false }])),
  });
}
/** Outputs of a stack whose successor NEW is deployed but whose predecessor's backup password is missing. */
const NO_PASSWORD = { successors: { [NEW]: OLD }, nodes: { [NEW]: { ipv4: "203.0.113.7", hostPublicKey: "ssh-ed25519 AAAA" } }, adminKeys: { [NEW]: "key" } };

const restored = (hostname: string, from: string, options: RestoreOptions): RestoreReport => ({
  hostname, from, drill: false, domains: ["shop.example"], addressesMoved: [], answers: [{ domain: "shop.example", ok: true, detail: "HTTP 200" }],
  summary: `restored 1 domains from snapshot 6ef87350 of ${from} (2026-12-03T02:00:41Z)`,
  operation: { operation: "restore", stack: "prd", correlationId: options.correlationId!, durationSeconds: 41, changes: {}, nodes: {}, phases: [] },
});

describe("which successors a deployment created", () => {
  it("names a successor whose server this update created, with the node it replaces", async () => {
    expect(successorsCreated(await deploy([NEW]))).toEqual([{ hostname: NEW, from: OLD }]);
  });

  it("leaves out a successor deployed by an earlier update: its domains are its own by now", async () => {
    expect(successorsCreated(await deploy([OLD]))).toEqual([]);
  });

  it("leaves out a new node that replaces nothing", async () => {
    expect(successorsCreated(await deploy([NEW], { successors: {} }))).toEqual([]);
  });

  it("leaves out a successor whose own server this update replaced (a rebuild: its own backup is the one to restore)", () => {
    const phase = { hostname: NEW, phase: "serverCreated" as const, label: "Server created", state: "succeeded" as const, startedAt: "2026-12-03T10:00:00.000Z" };
    expect(successorsCreated({ outputs: { successors: { [NEW]: OLD } }, phases: [phase], nodes: { [NEW]: { "create-replacement": 2, replace: 2, same: 10 } } })).toEqual([]);
  });

  it("reads a stack deployed before the successors output existed as having none", async () => {
    expect(successorsCreated(await deploy([NEW], {}))).toEqual([]);
  });
});

describe("restoring the successors after a deployment", () => {
  it("restores the predecessor's backup onto the successor under the deployment's correlation id", async () => {
    const report = await deploy([NEW]);
    const calls: [string, RestoreOptions][] = [];
    const restores = await restoreSuccessors(h!.fleet, report, async (_fleet, hostname, options = {}) => {
      calls.push([hostname, options]);
      return restored(hostname, options.from!, options);
    });
    expect(calls).toEqual([[NEW, { from: OLD, correlationId: "deploy-1", message: `fleet up: restore ${NEW} from ${OLD}` }]]);
    expect(restores.map((r) => [r.hostname, r.from, r.operation.correlationId])).toEqual([[NEW, OLD, "deploy-1"]]);
  });

  it("restores nothing, and asks no node, when the deployment created no successor", async () => {
    const report = await deploy([OLD]);
    const restores = await restoreSuccessors(h!.fleet, report, async () => { throw new Error("no restore expected"); });
    expect(restores).toEqual([]);
  });

  it("fails naming the successor, the predecessor and the command that runs the restore again, the deployment standing", async () => {
    const report = await deploy([NEW]);
    const failing = restoreSuccessors(h!.fleet, report, async () => {
      throw new Error("restored 1 domains, but 1 do not answer: shop.example (HTTP 502)");
    });
    await expect(failing).rejects.toThrow(`deployed (correlation deploy-1), but restoring ${OLD}'s backup onto its successor ${NEW} failed: ` +
      `restored 1 domains, but 1 do not answer: shop.example (HTTP 502); run \`fleet restore ${NEW} --from ${OLD}\` again`);
  });

  it("is refused through the real restoreNode when the stack's outputs hold no backup password of the predecessor", async () => {
    const report = await deploy([NEW], NO_PASSWORD);
    const failure = await restoreSuccessors(h!.fleet, report).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(SuccessorRestoreError);
    expect((failure as SuccessorRestoreError).cause).toBeInstanceOf(OperationRefusedError);
    expect((failure as Error).message).toContain(`the stack's outputs hold no backup password for ${OLD}; nothing was restored`);
    expect(h!.audit().filter((a) => a.operation === "restore").map((a) => [a.action, a.correlationId]))
      .toEqual([["fleet_restore_started", "deploy-1"], ["fleet_restore_refused", "deploy-1"]]);
  });
});

describe("fleet up with a successor", () => {
  const useStandIn = () => {
    const s = standIn(scenario([NEW], NO_PASSWORD));
    cleanupStandIn = s.cleanup;
    Object.assign(process.env, { PATH: `${STAND_IN_BIN}:${ORIGINAL_PATH}`, STANDIN_DIR: s.dir, PULUMI_BACKEND_URL: `file://${s.dir}/state`,
      PULUMI_CONFIG_PASSPHRASE: "stand-in passphrase", NODE_FLEET_AUDIT_FILE: `${s.dir}/audit.jsonl` });
  };

  it("ends with the restore's exit code (30: refused) and one line naming the successor and how to run it again", async () => {
    useStandIn();
    const run = await fleet("up", "--stack", "prd", "--correlation-id", "cli-up-1");
    expect(run.code).toBe(30);
    expect(run.stdout.split("\n").at(-1)).toMatch(/^up of stack prd succeeded in .* \(correlation cli-up-1\)$/);
    expect(run.stderr.split("\n").at(-1)).toBe(`fleet: deployed (correlation cli-up-1), but restoring ${OLD}'s backup onto its successor ${NEW} failed: ` +
      `the stack's outputs hold no backup password for ${OLD}; nothing was restored; run \`fleet restore ${NEW} --from ${OLD}\` again`);
  });

  it("with --json, ends with the error line (no result line before it: the restores belong to the result)", async () => {
    useStandIn();
    const run = await fleet("up", "--stack", "prd", "--json", "--correlation-id", "cli-up-2");
    const lines = run.stdout.split("\n").map((l) => JSON.parse(l) as { kind: string; exitCode?: number; message?: string });
    expect(run.code).toBe(30);
    expect(lines.filter((l) => l.kind === "result")).toEqual([]);
    expect(lines.at(-1)).toMatchObject({ kind: "error", exitCode: 30,
      message: expect.stringMatching(new RegExp(`^fleet: deployed \\(correlation cli-up-2\\), but restoring ${OLD}'s backup onto its successor ${NEW} failed: `)) });
  });
});
