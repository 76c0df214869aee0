import { describe, expect, it } from "vitest";
import { ipMatch, webminDecides, type WebminFiles } from "./webmin-acl";

const files = (entries: Record<string, string>): WebminFiles => (path) => entries[path];

describe("the Webmin access model", () => {
  it("matches IPv4 and IPv6 addresses and networks like miniserv's ip_match", () => {
    expect(ipMatch("203.0.113.7", ["203.0.113.0/24"])).toBe(true);
    expect(ipMatch("203.0.114.7", ["203.0.113.0/24"])).toBe(false);
    expect(ipMatch("2001:db8:1::5", ["2001:db8:1::/48"])).toBe(true);
    expect(ipMatch("2001:db8:2::5", ["2001:db8:1::/48", "203.0.113.7"])).toBe(false);
  });

  it("refuses to guess at patterns Webmin reads differently", () => {
    expect(() => ipMatch("2001:db8::1", ["2001:DB8::/32"])).toThrow(/lowercase only/);
    expect(() => ipMatch("10.0.0.1", ["10.0"])).toThrow(/does not know/);
  });

  it("lets a user without an rpc setting call RPC only under an admin name (defaultacl rpc=2)", () => {
    const base = { "miniserv.users": "root:x:0\nops:x:0\n", "webmin.acl": "root: *\nops: *\n" };
    expect(webminDecides(files(base), { user: "root", ip: "10.0.0.1", path: "/rpc.cgi" }).allowed).toBe(true);
    expect(webminDecides(files(base), { user: "ops", ip: "10.0.0.1", path: "/rpc.cgi" }).allowed).toBe(false);
    expect(webminDecides(files({ ...base, "ops.acl": "rpc=1\n" }), { user: "ops", ip: "10.0.0.1", path: "/rpc.cgi" }).allowed).toBe(true);
  });

  it("refuses remote.cgi to a user who is not a Virtualmin master admin", () => {
    const base = { "miniserv.users": "api:x:0\n", "webmin.acl": "api: virtual-server\n" };
    expect(webminDecides(files(base), { user: "api", ip: "10.0.0.1", path: "/virtual-server/remote.cgi" }).allowed).toBe(true);
    expect(webminDecides(files({ ...base, "virtual-server/api.acl": "noconfig=1\n" }),
      { user: "api", ip: "10.0.0.1", path: "/virtual-server/remote.cgi" })).toEqual({ allowed: false, why: "noconfig=1: not a master admin (can_remote)" });
  });
});
