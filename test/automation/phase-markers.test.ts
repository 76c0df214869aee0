import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMarker, type PhaseMarker } from "../../src/automation/markers";
import { PROJECT_DIR } from "../../src/automation/workspace";

/** Roles named like ansible/site.yml's, each doing trivial local work; `virtualmin` fails
 *  when asked, the way a failed install would. */
const ROLES: Record<string, string> = {
  common: "- name: Do the base work\n  ansible.builtin.command: /bin/true\n  changed_when: false\n",
  security: "- name: Harden\n  ansible.builtin.command: /bin/true\n  changed_when: false\n" +
    "- name: Tolerate an expected error\n  ansible.builtin.command: /bin/false\n  changed_when: false\n  ignore_errors: true\n",
  virtualmin: "- name: Install the panel\n  ansible.builtin.command: /bin/{{ 'false' if fail_panel | default(false) | bool else 'true' }}\n  changed_when: false\n",
  backup: "- name: Schedule backups\n  ansible.builtin.command: /bin/true\n  changed_when: false\n",
};
const PLAY = `- name: Site
  hosts: all
  gather_facts: false
  pre_tasks:
    - name: Outside any role
      ansible.builtin.command: /bin/true
      changed_when: false
  roles: [common, security, virtualmin, backup]
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "phase-markers-"));
  for (const [role, tasks] of Object.entries(ROLES)) {
    mkdirSync(join(dir, "roles", role, "tasks"), { recursive: true });
    writeFileSync(join(dir, "roles", role, "tasks", "main.yml"), `---\n${tasks}`);
  }
  writeFileSync(join(dir, "site.yml"), `---\n${PLAY}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the play locally with the project's real ansible.cfg, whose callback_plugins line
 *  is what loads the plugin, and returns the markers in its output. */
function play(extraVars: string, env: Record<string, string> = {}): Promise<{ code: number; markers: PhaseMarker[] }> {
  return new Promise((resolve) => {
    execFile("ansible-playbook", ["-i", "localhost,", "-c", "local", "-e", extraVars, join(dir, "site.yml")], {
      env: { PATH: process.env.PATH ?? "", HOME: dir, ANSIBLE_CONFIG: join(PROJECT_DIR, "ansible", "ansible.cfg"),
        ANSIBLE_ROLES_PATH: join(dir, "roles"), ANSIBLE_LOCAL_TEMP: join(dir, "tmp"), ...env },
      timeout: 120_000,
    }, (err, stdout) => {
      const markers = stdout.split("\n").map(parseMarker).filter((m): m is PhaseMarker => m !== undefined);
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, markers });
    });
  });
}

describe("the node_fleet_phases callback plugin (real ansible-playbook, local connection)", () => {
  it("prints a start and an end marker for every role in order, none for tasks outside roles, ignored errors included", async () => {
    const { code, markers } = await play("fail_panel=false");
    expect(code).toBe(0);
    expect(markers.map((m) => `${m.role}:${m.state}`)).toEqual([
      "common:started", "common:succeeded", "security:started", "security:succeeded",
      "virtualmin:started", "virtualmin:succeeded", "backup:started", "backup:succeeded",
    ]);
  }, 130_000);

  it("marks the failing role failed and starts no later role", async () => {
    const { code, markers } = await play("fail_panel=true");
    expect(code).toBe(2);
    expect(markers.map((m) => `${m.role}:${m.state}`)).toEqual([
      "common:started", "common:succeeded", "security:started", "security:succeeded", "virtualmin:started", "virtualmin:failed",
    ]);
  }, 130_000);

  it("carries NODE_CORRELATION_ID from the step's environment into every marker", async () => {
    const { markers } = await play("fail_panel=false", { NODE_CORRELATION_ID: "req-42" });
    expect(new Set(markers.map((m) => m.correlationId))).toEqual(new Set(["req-42"]));
  }, 130_000);
});
