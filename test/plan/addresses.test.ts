import { describe, expect, it } from "vitest";
import { addressesMonthlyCostEur, ipv6HostAddress, nodeAddresses } from "../../src/plan/addresses";
import { bundledCatalog } from "../helpers";

describe("node addresses", () => {
  it("cost what the catalog's primaryIps say: 0.50 EUR a month for the IPv4, nothing for the IPv6", () => {
    expect(addressesMonthlyCostEur(nodeAddresses("prd-sha-het-de-fsn1-001", "het", "fsn1", true, bundledCatalog()))).toBe(0.5);
  });

  it("refuses a provider the catalog does not price, naming the file to fix", () => {
    expect(() => nodeAddresses("prd-sha-dig-de-fra1-001", "dig", "fra1", true, bundledCatalog()))
      .toThrow("prd-sha-dig-de-fra1-001: the catalog has no primaryIps price for dig ipv4; add it to catalog/sizes.yaml");
  });
});

describe("ipv6HostAddress (terraform-provider-hcloud v1.68.0 internal/server/resource.go getServerAttributes)", () => {
  it("is the first host of the Primary IP's /64, as the server reports its ipv6_address", () => {
    expect(ipv6HostAddress("2a01:4f8:1c1c:8b2c::")).toBe("2a01:4f8:1c1c:8b2c::1");
  });

  it("accepts the network with its prefix length", () => {
    expect(ipv6HostAddress("2a01:4f8:1c1c:8b2c::/64")).toBe("2a01:4f8:1c1c:8b2c::1");
  });
});
