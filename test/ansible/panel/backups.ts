import { beforeAll, describe, expect, it } from "vitest";
import { onPanel, type PanelNode } from "./panel-node";
import { SHOP } from "./platform-journey";

const CRON_FILE = "/etc/cron.d/node-fleet-backup";
const LOG = "/var/log/node-fleet-backup.log";
const BACKUPS = "/var/backups/virtualmin";

/** The command of the schedule's line as cron runs it: after the user field, with cron's
 *  `\%` turned back into `%` (crontab(5)). */
export function cronCommand(cronFile: string): string {
  const line = cronFile.split("\n").find((l) => /^\S+ \S+ \S+ \S+ \S+ root /.test(l));
  if (!line) throw new Error(`no schedule line in ${CRON_FILE}:\n${cronFile}`);
  return line.replace(/^(\S+ ){5}root /, "").replace(/\\%/g, "%");
}

/** The backup cron line's command, executed for real on the panel host. */
export function describeBackups(node: PanelNode): void {
  const on = onPanel(node);
  const run = () => {
    const command = cronCommand(on(`cat ${CRON_FILE}`).stdout);
    return on(`cd / && env -i SHELL=/bin/sh PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LOGNAME=root /bin/sh -c '${command.replace(/'/g, "'\\''")}'`);
  };
  const today = () => on("date +%Y-%m-%d").stdout;

  describe("the scheduled backup", () => {
    let first: ReturnType<typeof run>;
    beforeAll(() => {
      // Dated backups of earlier days: one past the 7 days of retention, one within them.
      expect(on(`set -e; for d in 10 3; do day=$(date -d "$d days ago" +%Y-%m-%d); mkdir -p ${BACKUPS}/$day;
        echo old > ${BACKUPS}/$day/${SHOP.domain}.tar.gz; touch -d "$d days ago" ${BACKUPS}/$day/${SHOP.domain}.tar.gz ${BACKUPS}/$day; done`).code).toBe(0);
      first = run();
    }, 600_000);

    it("archives every domain and Virtualmin's own settings under today's directory, exiting 0", () => {
      expect(first.code, on(`tail -n 30 ${LOG}`).stdout).toBe(0);
      const files = on(`ls ${BACKUPS}/${today()}`).stdout.split("\n");
      expect(files).toEqual(expect.arrayContaining([`${SHOP.domain}.tar.gz`, "beta-shop.test.tar.gz", "virtualmin.tar.gz"]));
    });

    it("purges dated backups past the retention and keeps the others", () => {
      expect(on(`test -e ${BACKUPS}/$(date -d '10 days ago' +%Y-%m-%d)`).code).toBe(1);
      expect(on(`test -e ${BACKUPS}/$(date -d '3 days ago' +%Y-%m-%d)`).code).toBe(0);
    });

    it("keeps its log for root only, through rotation", () => {
      expect(on(`stat -c '%a %U' ${LOG}`).stdout).toBe("600 root");
      expect(on(`cat /etc/logrotate.d/node-fleet-backup`).stdout).toMatch(new RegExp(`^${LOG} \\{[^}]*create 0600 root root`, "m"));
      expect(on("logrotate -f /etc/logrotate.d/node-fleet-backup").code).toBe(0);
      expect(on(`stat -c '%a %U' ${LOG} ${LOG}.1`).stdout.split("\n")).toEqual(["600 root", "600 root"]);
      on(`rm -f ${LOG}`);
      expect(run().code).toBe(0);
      expect(on(`stat -c '%a %U' ${LOG}`).stdout).toBe("600 root");
    }, 600_000);

    it("fails, and says so in the journal, when some domains failed (backup-domain exit 4)", () => {
      // One domain whose web configuration is gone cannot be backed up (feature-web.pl
      // backup_web finds no virtual host); with --ignore-errors the others still are, and
      // backup-domain.pl exits 4. A dropped database would not do: on Debian's dash the
      // dump's pipe has no pipefail and mysqldump's header fills the file, so Virtualmin
      // 8.1.0 counts it as backed up (webmin mysql-lib.pl backup_database).
      const aside = on(`set -e; mkdir -p /root/aside; for conf in $(grep -lE '^\\s*ServerName\\s+beta-shop\\.test\\b' /etc/apache2/sites-available/*); do
        mv "$conf" /root/aside/; echo "$conf"; done`);
      expect(aside.code, aside.stderr).toBe(0);
      expect(aside.stdout).not.toBe("");
      try {
        const failed = run();
        expect(failed.code, on(`tail -n 30 ${LOG}`).stdout).toBe(4);
        expect(on("journalctl -t node-fleet-backup -p err -o cat --no-pager").stdout).toContain(`backup-domain failed with exit 4, see ${LOG}`);
      } finally {
        for (const conf of aside.stdout.split("\n")) on(`mv /root/aside/$(basename ${conf}) ${conf}`);
      }
    }, 600_000);
  });
}
