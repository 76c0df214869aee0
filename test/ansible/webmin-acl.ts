import { isIP } from "node:net";

/** How Webmin 2.402 and Virtualmin 7.30.8 (the pinned versions) decide whether a user's
 *  request reaches a CGI, for the files the virtualmin role's api-user tasks write. Webmin
 *  cannot be installed here, so the real-host test reads those files from the host and
 *  asks this model, which follows the upstream functions named on each step. Forms of a
 *  file the model does not know (host names, ranges, LOCAL) throw rather than guess. */

/** Reads a file below /etc/webmin on the node; undefined when it does not exist. */
export type WebminFiles = (path: string) => string | undefined;

/** Keys of the default ACLs the model reads: webmin 2.402 `defaultacl` (the root module,
 *  whose per-user file is /etc/webmin/<user>.acl) and virtual-server 7.30.8 `defaultacl`
 *  (no noconfig key, so a user without an ACL file is a master admin). */
const DEFAULT_ACL: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "": { rpc: "2" },
  "virtual-server": {},
};

/** The CGIs the model knows, and the upstream check of each. */
export type WebminPath = "/rpc.cgi" | "/fastrpc.cgi" | "/xmlrpc.cgi" | "/virtual-server/remote.cgi";

export interface Decision {
  readonly allowed: boolean;
  readonly why: string;
}

/** miniserv.pl read_users_file: `name:hash:sync:cert:allow …` (or `deny …`), with `;`
 *  standing for `:` inside the address list. */
function userAccess(files: WebminFiles, user: string): { allow?: string[]; deny?: string[] } | undefined {
  for (const line of (files("miniserv.users") ?? "").split(/\r?\n/)) {
    const fields = line.split(":");
    if (fields[0] !== user) continue;
    const rule = /^(allow|deny)\s+(.*)/.exec(fields[4] ?? "");
    if (!rule) return {};
    const list = rule[2]!.replace(/;/g, ":").split(/\s+/).filter((s) => s !== "");
    return rule[1] === "allow" ? { allow: list } : { deny: list };
  }
  return undefined;
}

/** miniserv.pl ip_match, for IPv4 and IPv6 addresses and networks. */
export function ipMatch(ip: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    const [address, bits, ...rest] = pattern.split("/");
    if (rest.length > 0 || isIP(address!) === 0 || (bits !== undefined && !/^\d+$/.test(bits))) {
      throw new Error(`the model does not know the address pattern "${pattern}"`);
    }
    if (/[A-F]/.test(address!)) throw new Error(`ip_match compares IPv6 in lowercase only; "${pattern}" would never match`);
    if (isIP(address!) !== isIP(ip)) return false;
    const width = isIP(ip) === 4 ? 32 : 128;
    const prefix = bits === undefined ? width : Number(bits);
    return toBits(ip).slice(0, prefix) === toBits(address!).slice(0, prefix);
  });
}

function toBits(ip: string): string {
  if (isIP(ip) === 4) return ip.split(".").map((n) => Number(n).toString(2).padStart(8, "0")).join("");
  const [head, tail] = ip.includes("::") ? ip.split("::") : [ip, undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return groups.map((g) => parseInt(g, 16).toString(2).padStart(16, "0")).join("");
}

/** web-lib-funcs.pl read_file: `name=value` lines. */
function readConfig(text: string | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of (text ?? "").split(/\r?\n/)) {
    const match = /^([^=#]*)=(.*)$/.exec(line);
    if (match) values[match[1]!] = match[2]!;
  }
  return values;
}

/** web-lib-funcs.pl get_module_acl: the module's default ACL, then the user's file
 *  (/etc/webmin/<module>/<user>.acl; for Webmin's own module /etc/webmin/<user>.acl). */
function moduleAcl(files: WebminFiles, user: string, module: string): Record<string, string> {
  return { ...DEFAULT_ACL[module], ...readConfig(files(module ? `${module}/${user}.acl` : `${user}.acl`)) };
}

/** Perl's `==` on an ACL value: undefined and text count as 0. */
const num = (value: string | undefined) => Number.parseInt(value ?? "", 10) || 0;
const ADMIN_NAMES = ["root", "admin", "sysadm"];

/** web-lib-funcs.pl webmin_user_can_rpc (rpc.cgi, fastrpc.cgi). */
function canRpc(files: WebminFiles, user: string): Decision {
  const rpc = num(moduleAcl(files, user, "").rpc);
  if (rpc === 1) return { allowed: true, why: "rpc=1 (webmin_user_can_rpc)" };
  if (rpc === 0) return { allowed: false, why: "rpc=0 (webmin_user_can_rpc)" };
  return { allowed: ADMIN_NAMES.includes(user), why: `rpc=${rpc} admits only ${ADMIN_NAMES.join("/")} (webmin_user_can_rpc)` };
}

/** xmlrpc.cgi: refused when rpc is 0, or 2 for a user other than the admin names. */
function canXmlRpc(files: WebminFiles, user: string): Decision {
  const rpc = num(moduleAcl(files, user, "").rpc);
  const refused = rpc === 0 || (rpc === 2 && !ADMIN_NAMES.includes(user));
  return { allowed: !refused, why: `rpc=${rpc} (xmlrpc.cgi)` };
}

/** web-lib-funcs.pl init_config → foreign_available → read_acl (webmin.acl `user: mod …`),
 *  then virtual-server commands-lib.pl can_remote → master_admin (!noconfig). */
function canRemote(files: WebminFiles, user: string): Decision {
  const modules = (files("webmin.acl") ?? "").split(/\r?\n/)
    .map((line) => /^([^:]+):\s*(.*)/.exec(line))
    .find((m) => m?.[1] === user)?.[2]?.split(/\s+/) ?? [];
  if (!modules.includes("virtual-server") && !modules.includes("*")) {
    return { allowed: false, why: "no access to the virtual-server module (foreign_available)" };
  }
  const noconfig = moduleAcl(files, user, "virtual-server").noconfig;
  const master = noconfig === undefined || noconfig === "" || noconfig === "0";
  return { allowed: master, why: master ? "master admin (can_remote)" : `noconfig=${noconfig}: not a master admin (can_remote)` };
}

/** Whether `user`, logging in from `ip`, gets past miniserv (check_user_ip) and the
 *  permission check of the CGI at `path`. Passwords are not modelled. */
export function webminDecides(files: WebminFiles, request: { user: string; ip: string; path: WebminPath }): Decision {
  const access = userAccess(files, request.user);
  if (!access) return { allowed: false, why: `no Webmin user ${request.user}` };
  if ((access.deny && ipMatch(request.ip, access.deny)) || (access.allow && !ipMatch(request.ip, access.allow))) {
    return { allowed: false, why: `login from ${request.ip} refused (check_user_ip)` };
  }
  switch (request.path) {
    case "/rpc.cgi":
    case "/fastrpc.cgi":
      return canRpc(files, request.user);
    case "/xmlrpc.cgi":
      return canXmlRpc(files, request.user);
    case "/virtual-server/remote.cgi":
      return canRemote(files, request.user);
  }
}
