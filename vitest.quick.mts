import { configDefaults, defineConfig } from "vitest/config";
import base from "./vitest.config.mts";

/** Test files that only the full suite (`npm test`) runs, and why: they need Debian
 *  packages (.ci/system-packages), the disposable test host, the build in dist/, or start
 *  child processes. `npm run test:quick` runs every other test file, and fails a test
 *  that starts a process anyway (test/quick-setup.ts), naming it. */
interface FullSuiteOnly {
  readonly file: string;
  readonly needs: "Debian packages" | "the test host" | "the build" | "child processes";
  readonly why: string;
}

export const FULL_SUITE_ONLY: readonly FullSuiteOnly[] = [
  { file: "test/ansible/lint.test.ts", needs: "Debian packages", why: "ansible-lint and ansible-playbook --syntax-check" },
  { file: "test/ansible/real-host.test.ts", needs: "the test host", why: "provisions a booted Debian 12 host over SSH" },
  { file: "test/ansible/panel-host.test.ts", needs: "the test host", why: "provisions the Webmin/Virtualmin host and acts as platform and customers" },
  { file: "test/ansible/provision-workdir.test.ts", needs: "child processes", why: "runs ansible/bin/provision" },
  { file: "test/health/real-sshd.test.ts", needs: "the test host", why: "checks a real sshd's host key" },
  { file: "test/components/cloud-init-schema.test.ts", needs: "Debian packages", why: "cloud-init schema" },
  { file: "test/cli/ensure-packages.test.ts", needs: "child processes", why: "runs .ci/ensure-packages" },
  { file: "test/cli/exit-codes.test.ts", needs: "the build", why: "runs the built bin/fleet in a shell" },
  { file: "test/cli/add.test.ts", needs: "the build", why: "parallel bin/fleet add processes on one file" },
  { file: "test/cli/validate.test.ts", needs: "the build", why: "runs the built bin/fleet" },
  { file: "test/cli/plan.test.ts", needs: "the build", why: "bin/fleet plan and its worker processes" },
  { file: "test/cli/plan-memory.test.ts", needs: "the build", why: "measures bin/fleet plan's process tree" },
  { file: "test/cli/progress.test.ts", needs: "child processes", why: "a pseudo-terminal through script(1)" },
  { file: "test/policy/offline-plan.test.ts", needs: "the build", why: "bin/fleet plan" },
  { file: "test/policy/pack.test.ts", needs: "child processes", why: "runs the policy pack as Pulumi's analyzer plugin" },
  { file: "test/review/catalog-refresh.test.ts", needs: "the build", why: "bin/fleet catalog refresh" },
  { file: "test/review/workflows.test.ts", needs: "child processes", why: "actionlint and the workflows' shell steps" },
  { file: "test/review/diff.test.ts", needs: "the build", why: "git and bin/fleet diff with its plan workers" },
  { file: "test/automation/phase-markers.test.ts", needs: "Debian packages", why: "the callback plugin in a real ansible-playbook" },
  { file: "test/automation/stand-in.test.ts", needs: "child processes", why: "runs the stand-in pulumi" },
  { file: "test/components/playbook-digest.test.ts", needs: "child processes", why: "git ls-files in a scratch repository" },
  { file: "test/components/power-steps.test.ts", needs: "child processes", why: "runs ansible/bin/power-off and power-on" },
  { file: "test/components/provision-process.test.ts", needs: "child processes", why: "ansible/bin/provision's process group" },
  { file: "test/health/cli.test.ts", needs: "child processes", why: "bin/fleet health and fake nodes" },
  { file: "test/health/store.test.ts", needs: "child processes", why: "a process that has ended, for a stale lock" },
  { file: "test/health/unit-file.test.ts", needs: "child processes", why: "systemd-analyze verify" },
  { file: "test/loads-like-pulumi.test.ts", needs: "child processes", why: "loads the program as Pulumi's nodejs host does" },
  { file: "test/register/command.test.ts", needs: "child processes", why: "runs the registration step's command" },
  { file: "test/source/defer-signals.test.ts", needs: "child processes", why: "signals to a writer process" },
  { file: "test/source/hold-signals.test.ts", needs: "the build", why: "signals to a built process holding them" },
  { file: "test/source/file-lock.test.ts", needs: "child processes", why: "lock holders in other processes" },
  { file: "test/source/replace-file.test.ts", needs: "child processes", why: "a writer killed mid-write" },
  { file: "test/automation/cli.test.ts", needs: "child processes", why: "the Automation API runs the stand-in pulumi" },
  { file: "test/automation/operations.test.ts", needs: "child processes", why: "the Automation API runs the stand-in pulumi" },
  { file: "test/automation/rollout.test.ts", needs: "child processes", why: "the rollout's waves run the stand-in pulumi" },
  { file: "test/automation/rollout-cli.test.ts", needs: "child processes", why: "fleet rollout runs the stand-in pulumi against fake nodes" },
  { file: "test/automation/protection-gaps.test.ts", needs: "child processes", why: "fleet drift runs the stand-in pulumi" },
  { file: "test/automation/rebuild-exit-paths.test.ts", needs: "the build", why: "a built rebuild process signalled while the stand-in pulumi runs" },
  { file: "test/health/stack.test.ts", needs: "child processes", why: "stack outputs through the stand-in pulumi" },
  { file: "test/health/probes.test.ts", needs: "child processes", why: "openssl certificates and fake node servers" },
  { file: "test/health/pool.test.ts", needs: "child processes", why: "openssl certificates and fake node servers" },
  { file: "test/health/check-node.test.ts", needs: "child processes", why: "openssl certificates and fake node servers" },
  { file: "test/offline/plan-stack.test.ts", needs: "the build", why: "plan batches in dist/ worker processes" },
  { file: "test/policy/rules.test.ts", needs: "the build", why: "plan batches in dist/ worker processes" },
  { file: "test/review/replace-table.test.ts", needs: "the build", why: "plan batches in dist/ worker processes" },
  { file: "test/backup/offsite-backup.test.ts", needs: "the test host", why: "the backup role and restic against a real S3 server" },
  { file: "test/restore/successors.test.ts", needs: "child processes", why: "deployments through the stand-in pulumi" },
  { file: "test/backup/panel-restore.test.ts", needs: "the test host", why: "a panel host backed up, destroyed, booted again and restored" },
  { file: "test/cli/add-faults.test.ts", needs: "the build", why: "bin/fleet add killed, out of space and on a read-only file system" },
  { file: "test/cli/control-characters.test.ts", needs: "the build", why: "the built bin/fleet's output as a terminal receives it" },
  { file: "test/review/diff-project.test.ts", needs: "the build", why: "git and bin/fleet diff --project" },
  { file: "test/quick-loop.test.ts", needs: "child processes", why: "runs this quick loop itself" },
  { file: "test/shard/environment-run.test.ts", needs: "child processes", why: "fleet up --env runs the stand-in pulumi per shard" },
  { file: "test/dashboard/browser.test.ts", needs: "Debian packages", why: "the dashboard in Debian's chromium through puppeteer-core" },
  { file: "test/metrics/promtool.test.ts", needs: "Debian packages", why: "promtool check metrics (Debian's prometheus)" },
  { file: "test/metrics/watch.test.ts", needs: "child processes", why: "fleet health --watch against fake node servers" },
  { file: "test/notify/email.test.ts", needs: "child processes", why: "openssl makes the SMTP servers' certificate" },
];

/** Quick test files that hold process-wide state, each in a fresh process as in the full
 *  suite: the stack program under Pulumi's mock runtime, or a module replaced by vi.mock
 *  (which a module already loaded in a shared process would ignore). */
const OWN_PROCESS = [
  "test/automation/phases.test.ts",
  "test/cli/lazy-sdk.test.ts",
  "test/components/fleet-options.test.ts",
  "test/components/successors-output.test.ts",
  "test/components/hosting-node.test.ts",
  "test/config.test.ts",
  "test/engine/engine-version.test.ts",
  "test/engine/lifecycle.test.ts",
  "test/health/store-lock-race.test.ts",
];

const exclude = [...configDefaults.exclude, ...FULL_SUITE_ONLY.map((t) => t.file)];

// `npm run test:quick`: the fast loop beside `npm test`, which runs everything. Most of
// its time was starting a process and importing the modules again for every file, so
// the files that hold no process-wide state share one process (isolate: false).
export default defineConfig({
  test: {
    ...base.test,
    exclude,
    setupFiles: ["test/quick-setup.ts"],
    projects: [
      // Not `extends: true`, which would add the root's include (every file) to this list.
      { test: { ...base.test, name: "own-process", include: OWN_PROCESS, setupFiles: ["test/quick-setup.ts"] } },
      { extends: true, test: { name: "shared", exclude: [...exclude, ...OWN_PROCESS], isolate: false } },
    ],
  },
});
