import { describe, expect, it } from "vitest";
import { familiesCovered, sourceListProblems } from "../../src/stack/admin-sources";
import { embeddedIpv4, parseCidr } from "../../src/stack/cidr";

const cidrs = (...texts: string[]) => texts.map((t) => parseCidr(t)!);

describe("familiesCovered", () => {
  it("sees every IPv4 address in four /2 blocks given out of order", () => {
    expect(familiesCovered(cidrs("192.0.0.0/2", "0.0.0.0/2", "128.0.0.0/2", "64.0.0.0/2"))).toEqual([4]);
  });

  it("sees a gap of one address", () => {
    expect(familiesCovered(cidrs("0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3", "224.0.0.0/4", "240.0.0.0/5", "248.0.0.0/6",
      "252.0.0.0/7", "254.0.0.0/8", "255.0.0.0/9", "255.128.0.0/10", "255.192.0.0/11", "255.224.0.0/12", "255.240.0.0/13",
      "255.248.0.0/14", "255.252.0.0/15", "255.254.0.0/16", "255.255.0.0/17", "255.255.128.0/18", "255.255.192.0/19",
      "255.255.224.0/20", "255.255.240.0/21", "255.255.248.0/22", "255.255.252.0/23", "255.255.254.0/24", "255.255.255.0/25",
      "255.255.255.128/26", "255.255.255.192/27", "255.255.255.224/28", "255.255.255.240/29", "255.255.255.248/30",
      "255.255.255.252/31", "255.255.255.254/32"))).toEqual([]);
  });

  it("counts overlapping blocks once", () => {
    expect(familiesCovered(cidrs("::/1", "::/2", "8000::/1"))).toEqual([6]);
  });

  it("sees a gap between two blocks, not only at the end of the range", () => {
    expect(familiesCovered(cidrs("0.0.0.0/2", "128.0.0.0/1"))).toEqual([]);
  });

  it("orders the blocks by address whatever order they come in", () => {
    expect(familiesCovered(cidrs("128.0.0.0/2", "0.0.0.0/2", "192.0.0.0/2", "64.0.0.0/2"))).toEqual([4]);
    expect(familiesCovered(cidrs("64.0.0.0/2", "192.0.0.0/2", "0.0.0.0/2", "128.0.0.0/2"))).toEqual([4]);
  });

  it("judges each family by its own blocks: all of IPv4 beside half of IPv6, and the other way round", () => {
    expect(familiesCovered(cidrs("0.0.0.0/1", "::/1", "128.0.0.0/1"))).toEqual([4]);
    expect(familiesCovered(cidrs("::/1", "10.0.0.0/8", "8000::/1"))).toEqual([6]);
  });

  it("reads all of IPv4 as nothing about IPv6", () => {
    expect(familiesCovered(cidrs("0.0.0.0/0"))).toEqual([4]);
  });
});

describe("sourceListProblems", () => {
  const prd = { environment: "prd", surface: "SSH (22)", worldAllowed: false };

  it("names the entry that is wider than /16 in prd", () => {
    expect(sourceListProblems(["192.0.2.7/32", "10.0.0.0/15"], prd)).toEqual([{ index: 1,
      message: '"10.0.0.0/15" is wider than /16: prd accepts for SSH (22) only IPv4 blocks of /16 or narrower and IPv6 blocks of /32 or narrower' }]);
  });

  it("names an entry that is not a CIDR, and what is expected", () => {
    expect(sourceListProblems(["192.0.2.7/32", "office"], prd)).toEqual([{ index: 1,
      message: '"office" is not a CIDR; expected an address/prefix such as 192.0.2.7/32 or 2001:db8::/48' }]);
  });

  it("refuses the world in prd as a list of admin sources only", () => {
    expect(sourceListProblems(["::/0"], prd)).toEqual([{ index: 0, message: '"::/0" opens SSH (22) to the world; prd accepts admin sources only' }]);
  });

  it("refuses the world in dev unless allowAdminFromAnywhere says so, naming the setting", () => {
    expect(sourceListProblems(["0.0.0.0/0"], { ...prd, environment: "dev" })).toEqual([{ index: 0,
      message: '"0.0.0.0/0" opens SSH (22) to the world; on dev that needs allowAdminFromAnywhere: true' }]);
  });

  it("refuses blocks that together cover a family, naming that family's blocks only", () => {
    expect(sourceListProblems(["0.0.0.0/1", "2001:db8::/48", "128.0.0.0/1"], { ...prd, environment: "dev" })).toEqual([{
      message: "together these sources cover every IPv4 address (0.0.0.0/1, 128.0.0.0/1): that opens SSH (22) to the world; list the admin networks only" }]);
  });

  it("lets dev use wide blocks that leave part of the internet out", () => {
    expect(sourceListProblems(["0.0.0.0/1"], { ...prd, environment: "dev" })).toEqual([]);
  });

  it("lets dev open the world when allowAdminFromAnywhere says so", () => {
    expect(sourceListProblems(["0.0.0.0/1", "128.0.0.0/1"], { ...prd, environment: "dev", worldAllowed: true })).toEqual([]);
  });
});

describe("IPv4 addresses embedded in IPv6 blocks", () => {
  const prd = { environment: "prd", surface: "SSH (22)", worldAllowed: false };
  const dev = { ...prd, environment: "dev" };

  it.each([
    ["::ffff:0:0/96", "IPv4-mapped"],
    ["::/96", "IPv4-compatible"],
    ["64:ff9b::/96", "NAT64 well-known prefix"],
    ["2002::/16", "6to4"],
    ["2001::/32", "Teredo"],
  ])("%s (%s) is every IPv4 address: refused as world-open even on dev", (source) => {
    expect(sourceListProblems([source], dev)).toEqual([{ index: 0,
      message: `"${source}" opens SSH (22) to the world (it holds 0.0.0.0/0 as IPv4 addresses embedded in IPv6); on dev that needs allowAdminFromAnywhere: true` }]);
  });

  it("refuses a wider IPv6 block that holds a whole embedding range (::/64 holds ::ffff:0:0/96)", () => {
    expect(sourceListProblems(["::/64"], dev)[0]?.message).toContain("opens SSH (22) to the world (it holds 0.0.0.0/0");
  });

  it("measures an embedded block by its IPv4 width in prd: ::ffff:10.0.0.0/104 is 10.0.0.0/8", () => {
    expect(sourceListProblems(["::ffff:10.0.0.0/104"], prd)).toEqual([{ index: 0,
      message: '"::ffff:10.0.0.0/104" is wider than /16 (it holds 10.0.0.0/8 as IPv4 addresses embedded in IPv6): prd accepts for SSH (22) only IPv4 blocks of /16 or narrower and IPv6 blocks of /32 or narrower' }]);
  });

  it("reads 6to4's IPv4 address from bits 16-47: 2002:c000:0200::/40 is 192.0.2.0/24, within the prd limit", () => {
    expect(embeddedIpv4(parseCidr("2002:c000:0200::/40")!)).toEqual([parseCidr("192.0.2.0/24")!]);
    expect(sourceListProblems(["2002:c000:0200::/40"], prd)).toEqual([]);
  });

  it("inverts Teredo's client address: 2001:0:0:0:0:0:3fff:fdf8/128 is 192.0.2.7", () => {
    expect(embeddedIpv4(parseCidr("2001::3fff:fdf8/128")!)).toEqual([parseCidr("192.0.2.7/32")!]);
  });

  it("counts embedded blocks toward a set that covers all of IPv4: 0.0.0.0/1 + ::ffff:128.0.0.0/97", () => {
    expect(sourceListProblems(["0.0.0.0/1", "::ffff:128.0.0.0/97"], dev)).toEqual([{
      message: "together these sources cover every IPv4 address (0.0.0.0/1, ::ffff:128.0.0.0/97): that opens SSH (22) to the world; list the admin networks only" }]);
  });

  it("leaves an ordinary IPv6 admin block alone", () => {
    expect(embeddedIpv4(parseCidr("2a01:4f8:c17::/48")!)).toEqual([]);
    expect(sourceListProblems(["2a01:4f8:c17::/48"], prd)).toEqual([]);
  });
});
