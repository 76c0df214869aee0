import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { readStackConfig } from "../src/config";

const VALID: Record<string, string> = {
  "node-fleet:environment": "stg",
  "node-fleet:dnsZone": "infra.example.com",
  "node-fleet:cloudflareZoneId": "023e105f4ecef8ad9ca31a8372d0c353",
  "node-fleet:registrationUrl": "https://platform.example.com/api/nodes",
  "node-fleet:registrationToken": "secret-token",
  "node-fleet:sshSourceCidrs": '["203.0.113.10/32"]',
  "node-fleet:httpFromCloudflareOnly": "true",
};
const withConfig = (values: Record<string, string>) => {
  pulumi.runtime.setAllConfig(values, ["node-fleet:registrationToken"]);
  return () => readStackConfig();
};

beforeAll(async () => {
  await pulumi.runtime.setMocks({ newResource: (a) => ({ id: "1", state: a.inputs }), call: (a) => a.inputs }, "node-fleet", "stg");
});

describe("readStackConfig", () => {
  it("reads structured and boolean values as Pulumi hands them over (text)", () => {
    const { settings } = withConfig(VALID)();
    expect(settings).toEqual(expect.objectContaining({ environment: "stg", sshSourceCidrs: ["203.0.113.10/32"], httpFromCloudflareOnly: true }));
    expect(settings.backups).toEqual({ enabled: true, retentionDays: 7, schedule: "0 2 * * *" });
  });

  it("keeps the registration token a secret output", async () => {
    const { registrationToken } = withConfig(VALID)();
    expect(registrationToken && (await pulumi.isSecret(registrationToken))).toBe(true);
  });

  it("fails naming the key and the command that fixes it", () => {
    expect(withConfig({ ...VALID, "node-fleet:dnsZone": "Not A Zone" })).toThrow(
      /node-fleet:dnsZone: must be a lowercase DNS zone such as infra\.example\.com \(found "Not A Zone"\); fix: pulumi config set node-fleet:dnsZone <value> -s stg/);
  });

  it("reports every problem at once", () => {
    expect(withConfig({ ...VALID, "node-fleet:sshSourceCidrs": '["nope"]', "node-fleet:colour": "blue" })).toThrow(
      /node-fleet:sshSourceCidrs \(sshSourceCidrs\.0\): "nope" is not a CIDR[\s\S]*node-fleet:colour: unknown key; fix: pulumi config rm node-fleet:colour -s stg/);
  });

  it("refuses an environment other than the stack name", () => {
    expect(withConfig({ ...VALID, "node-fleet:environment": "prd" })).toThrow(/environment is "prd" but the stack is "stg"/);
  });

  it("asks for the registration token while auto-registration is on", () => {
    const { ["node-fleet:registrationToken"]: _token, ...withoutToken } = VALID;
    expect(withConfig(withoutToken)).toThrow(/pulumi config set --secret node-fleet:registrationToken <token> -s stg/);
  });

  it("needs no token when auto-registration is off", () => {
    const { ["node-fleet:registrationToken"]: _token, ...withoutToken } = VALID;
    expect(withConfig({ ...withoutToken, "node-fleet:features": '{"autoRegistration": false}' })().registrationToken).toBeUndefined();
  });
});
