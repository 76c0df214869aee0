import { describe, expect, it } from "vitest";
import { documentationRange, formatCidr, hasHostBits, networkOf, parseCidr } from "../../src/stack/cidr";

describe("CIDR blocks", () => {
  it.each(["10.0.0.0/33", "10.0.0/8", "10.0.0.0/08", "::/129", "2001:db8::/x", "example.com/24", "10.0.0.0"])("refuses %s", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it.each([
    ["10.1.2.3/24", "10.1.2.0/24"], ["2001:db8:0:0:1::7/64", "2001:db8::/64"], ["::ffff:10.1.2.3/120", "::ffff:a01:200/120"],
  ])("finds host bits in %s (network %s)", (text, network) => {
    const cidr = parseCidr(text)!;
    expect([hasHostBits(cidr), formatCidr(networkOf(cidr))]).toEqual([true, network]);
  });

  it.each(["10.1.2.0/24", "0.0.0.0/0", "::/0", "2001:db8:10::/48", "192.0.2.7/32"])("accepts the network %s", (text) => {
    expect(hasHostBits(parseCidr(text)!)).toBe(false);
  });

  it("knows the documentation ranges of RFC 5737 and RFC 3849", () => {
    expect(["192.0.2.7/32", "198.51.100.0/24", "203.0.113.10/32", "2001:db8:10::/48", "10.0.0.0/8", "2001:db9::/32"]
      .map((c) => documentationRange(parseCidr(c)!) ?? "-"))
      .toEqual(["RFC 5737 TEST-NET-1", "RFC 5737 TEST-NET-2", "RFC 5737 TEST-NET-3", "RFC 3849", "-", "-"]);
  });
});
