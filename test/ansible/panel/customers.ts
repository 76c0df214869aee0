import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onPanel, type PanelNode } from "./panel-node";
import { createDomain, SHOP } from "./platform-journey";
import { website } from "./webmin-client";

const METADATA = "169.254.169.254";
const OTHER = { domain: "beta-shop.test", user: "beta-shop", database: "beta_shop", password: "beta-shop-Pass-0123" };

/** What a customer's PHP code can reach on the node, as JSON: the other customer's files
 *  and database, the cloud metadata service, the backups and the panel's configuration. */
const probe = (self: typeof SHOP, other: typeof SHOP) => `<?php
$r = ['user' => posix_getpwuid(posix_geteuid())['name']];
$r['own_file'] = @file_get_contents('/home/${self.user}/public_html/secret.txt') !== false;
$r['other_file'] = @file_get_contents('/home/${other.user}/public_html/secret.txt') !== false;
$r['other_home'] = @scandir('/home/${other.user}') !== false;
try { new PDO('mysql:host=localhost;dbname=${other.database}', '${self.user}', '${self.password}'); $r['other_db'] = true; }
catch (Exception $e) { $r['other_db'] = false; }
try { new PDO('mysql:host=localhost;dbname=${self.database}', '${self.user}', '${self.password}'); $r['own_db'] = true; }
catch (Exception $e) { $r['own_db'] = false; }
$r['metadata'] = @fsockopen('${METADATA}', 80, $n, $s, 3) !== false;
$r['backups'] = @scandir('/var/backups/virtualmin') !== false;
$r['panel_users'] = @file_get_contents('/etc/webmin/miniserv.users') !== false;
$r['panel_config'] = @file_get_contents('/etc/webmin/virtual-server/config') !== false;
$r['domain_records'] = @scandir('/etc/webmin/virtual-server/domains') !== false;
echo json_encode($r);
`;

const SEPARATED = { own_file: true, own_db: true, other_file: false, other_home: false, other_db: false,
  metadata: false, backups: false, panel_users: false, panel_config: false, domain_records: false };

/** Two customers on one node, each running code: neither reaches the other nor the node. */
export function describeCustomers(node: PanelNode): void {
  const on = onPanel(node);

  describe("customers on one node", () => {
    beforeAll(async () => {
      const created = await createDomain(node, OTHER.domain, OTHER.password);
      expect(created.status, JSON.stringify(created).slice(0, 2000)).toBe("success");
      for (const [self, other] of [[SHOP, OTHER], [OTHER, SHOP]] as const) {
        const write = on(`runuser -u ${self.user} -- sh -c 'cd /home/${self.user}/public_html && echo secret of ${self.user} > secret.txt && cat > probe.php' <<'PHP'
${probe(self, other)}PHP`);
        expect(write.code, write.stderr).toBe(0);
      }
      // The metadata address answers inside the node (Apache listens on port 80 of every
      // address), so a refusal is the node's doing: root connects, a customer must not.
      const setup = on(`set -e; ip addr add ${METADATA}/32 dev lo; timeout 10 bash -c 'exec 3<>/dev/tcp/${METADATA}/80'`);
      expect(setup.code, setup.stderr).toBe(0);
    }, 300_000);
    afterAll(() => {
      on(`ip addr del ${METADATA}/32 dev lo`);
    });

    for (const [self, other] of [[SHOP, OTHER], [OTHER, SHOP]] as const) {
      it(`runs ${self.domain}'s PHP on the web as ${self.user}, away from ${other.user} and the node`, async () => {
        const page = await website(node.host().address, self.domain, "/probe.php");
        expect(page.status, page.body.slice(0, 2000)).toBe(200);
        expect(JSON.parse(page.body)).toEqual({ user: self.user, ...SEPARATED });
      });

      it(`keeps ${self.user}'s code run from a shell away from ${other.user} and the node`, () => {
        const run = on(`cd /home/${self.user}/public_html && runuser -u ${self.user} -- php probe.php`);
        expect(JSON.parse(run.stdout), run.stderr).toEqual({ user: self.user, ...SEPARATED });
      });
    }
  });
}
