import { beforeAll, describe, expect, it } from "vitest";
import { webminDecides, type WebminPath } from "../webmin-acl";
import { onPanel, type PanelNode } from "./panel-node";
import { remote, secureWebsite, webmin, website, type RemoteAnswer } from "./webmin-client";

/** The customer domain the platform creates, and the page its customer uploads. */
export const SHOP = { domain: "alpha-shop.test", user: "alpha-shop", database: "alpha_shop", password: "alpha-shop-Pass-0123" };
const PAGE = "<h1>alpha shop, served by the node</h1>\n";

/** Creates a customer domain through remote.cgi as the platform does: a website over HTTP
 *  and HTTPS, a MariaDB database and mail, with the domain owner's mailbox. No ACME request
 *  (`acme-never`): the test host has no public name, so the certificate stays self-signed. The database password is given
 *  too: the LAMP bundle keeps only hashed passwords (hashpass=1), and then Virtualmin gives
 *  the domain's MariaDB user a random password of its own (feature-mysql.pl set_mysql_pass). */
export function createDomain(node: PanelNode, domain: string, password: string): Promise<RemoteAnswer> {
  return remote(node.host().address, node.login, "create-domain", [
    ["domain", domain], ["pass", password], ["mysql-pass", password], ["desc", `customer ${domain}`],
    ["unix", ""], ["dir", ""], ["web", ""], ["ssl", ""], ["acme-never", ""], ["mysql", ""], ["mail", ""],
  ]);
}

/** The platform's calls, from the address the stack allows, with the registration's credentials. */
export function describePlatformJourney(node: PanelNode): void {
  const on = onPanel(node);
  const address = () => node.host().address;
  /** The same request from inside the node (127.0.0.1), outside platformSourceCidrs. */
  const fromOutside = (path: string) => on(`curl -sk -o /dev/null -w '%{http_code}' -u '${node.login.user}:${node.login.password}' 'https://127.0.0.1:10000${path}'`).stdout;

  describe("the platform's journey through Virtualmin's remote API", () => {
    let created: RemoteAnswer;
    beforeAll(async () => {
      created = await createDomain(node, SHOP.domain, SHOP.password);
    }, 300_000);

    it("answers info with the pinned Virtualmin version", async () => {
      const info = await remote(address(), node.login, "info");
      expect(info.status).toBe("success");
      expect(info.output).toMatch(/virtualmin version: 8\.1\.0/i);
    });

    it("creates a customer domain with a website, a MariaDB database and a mailbox", async () => {
      expect(created, JSON.stringify(created).slice(0, 3000)).toEqual(expect.objectContaining({ status: "success" }));
      // remote.cgi sets `multiline` only in its own %in, which convert_remote_format reads to
      // parse the output, but builds the command's arguments from @in: the caller has to send
      // `multiline` itself, or the list is the command's table parsed as if it were blocks.
      const listed = await remote(address(), node.login, "list-domains", [["domain", SHOP.domain], ["multiline", ""]]);
      expect(listed.status).toBe("success");
      expect(listed.data, JSON.stringify(listed).slice(0, 2000)).toEqual([{ name: SHOP.domain, values: expect.objectContaining({ username: [SHOP.user] }) }]);
      const [{ values }] = listed.data as [{ values: { features: [string] } }];
      expect(values.features[0].split(" ")).toEqual(expect.arrayContaining(["unix", "dir", "web", "ssl", "mysql", "mail"]));
      const users = await remote(address(), node.login, "list-users", [["domain", SHOP.domain], ["include-owner", ""], ["multiline", ""]]);
      expect(users.data, JSON.stringify(users).slice(0, 2000)).toEqual(expect.arrayContaining([{ name: SHOP.user, values: expect.objectContaining({
        email_address: [`${SHOP.user}@${SHOP.domain}`],
      }) }]));
      expect(on(`runuser -u mysql -- mariadb -N -e "SHOW DATABASES LIKE '${SHOP.database}'"`).stdout).toBe(SHOP.database);
    });

    it("serves the page the customer uploaded for the domain's Host header", async () => {
      expect(on(`runuser -u ${SHOP.user} -- sh -c 'printf "%s" "${PAGE}" > /home/${SHOP.user}/public_html/index.html'`).code).toBe(0);
      const page = await website(address(), SHOP.domain, "/index.html");
      expect(page).toEqual({ status: 200, body: PAGE });
      console.log(`panel host: boot to a served customer site in ${((Date.now() - node.bootStarted()) / 1000).toFixed(1)} s`);
    });

    it("serves the same page over HTTPS with a certificate naming the domain (SNI)", async () => {
      const page = await secureWebsite(address(), SHOP.domain, "/index.html");
      expect(page).toEqual({ status: 200, body: PAGE, certificateNames: expect.stringContaining(`DNS:${SHOP.domain}`) });
    });

    it("lets the domain's user connect to its database", () => {
      const query = on(`mariadb -h localhost -u ${SHOP.user} -p'${SHOP.password}' -N -e 'SELECT DATABASE(), CURRENT_USER()' ${SHOP.database}`);
      expect(query.stdout, query.stderr).toBe(`${SHOP.database}\t${SHOP.user}@localhost`);
    });

    it("refuses the API user Webmin's RPC, which runs any Perl as root", async () => {
      for (const path of ["/rpc.cgi", "/fastrpc.cgi"]) {
        expect((await webmin(address(), path, node.login, "")).body, path).toContain("<title>Login to Webmin</title>");
      }
      expect((await webmin(address(), "/xmlrpc.cgi", node.login, "")).body).toMatch(/<fault>[\s\S]*<string>Invalid user for RPC<\/string>/);
    });

    it("refuses the API user's login from outside platformSourceCidrs", () => {
      expect(fromOutside("/virtual-server/remote.cgi?program=info&json=1")).toBe("403");
    });

    it("agrees with the access model of test/ansible/webmin-acl.ts on what Webmin decides", async () => {
      const files = (path: string) => {
        const read = on(`cat /etc/webmin/${path}`);
        return read.code === 0 ? `${read.stdout}\n` : undefined;
      };
      const decide = (ip: string, path: WebminPath) => webminDecides(files, { user: node.login.user, ip, path }).allowed;
      expect(decide(node.host().hostSide, "/virtual-server/remote.cgi")).toBe(true);
      expect(decide(node.host().hostSide, "/rpc.cgi")).toBe(false);
      expect(decide("127.0.0.1", "/virtual-server/remote.cgi")).toBe(false);
    });
  });
}
