import * as pulumi from "@pulumi/pulumi";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readStackConfig } from "../src/config";
import { engineConfig } from "../src/offline/plan-stack";
import { readStackFile } from "../src/stack/stack-file";

/** Config as the engine hands it to the program: text per key (pulumi config/map.go
 *  Map.Decrypt), the secret keys listed apart (PULUMI_CONFIG_SECRET_KEYS). */
const VALID: Record<string, string> = {
  "node-fleet:environment": "stg",
  "node-fleet:dnsZone": "infra.example.com",
  "node-fleet:cloudflareZoneId": "023e105f4ecef8ad9ca31a8372d0c353",
  "node-fleet:registrationUrl": "https://platform.example.com/api/nodes",
  "node-fleet:registrationToken": "secret-token",
  "node-fleet:sshSourceCidrs": '["10.20.0.0/16"]',
  "node-fleet:panelSourceCidrs": '["10.20.0.0/16","fd00:10::/48"]',
  "node-fleet:httpFromCloudflareOnly": "true",
};
const withConfig = (values: Record<string, string>, secretKeys = ["node-fleet:registrationToken"]) => {
  pulumi.runtime.setAllConfig(values, secretKeys);
  return () => readStackConfig();
};

beforeAll(async () => {
  await pulumi.runtime.setMocks({ newResource: (a) => ({ id: "1", state: a.inputs }), call: (a) => a.inputs }, "node-fleet", "stg");
});

describe("readStackConfig", () => {
  it("reads structured and boolean values as Pulumi hands them over (text)", () => {
    const { settings } = withConfig(VALID)();
    expect(settings).toEqual(expect.objectContaining({ environment: "stg", sshSourceCidrs: ["10.20.0.0/16"], httpFromCloudflareOnly: true }));
    expect(settings.backups).toEqual({ enabled: true, retentionDays: 7, schedule: "0 2 * * *" });
  });

  it("reads exactly what `fleet` reads from the committed stack file", () => {
    const file = readStackFile(join(__dirname, ".."), "stg").stack!;
    const { values, secretKeys } = engineConfig(file, { fleetFile: file.settings.fleetFile });
    pulumi.runtime.setAllConfig(values, secretKeys);
    expect(readStackConfig().settings).toEqual(file.settings);
  });

  it.each(["true", "false", "True", "yes", "1", ""])(
    "accepts the boolean text %j exactly when the Node.js SDK's Config.getBoolean does", (text) => {
      pulumi.runtime.setAllConfig({ ...VALID, "node-fleet:protect": text }, ["node-fleet:registrationToken"]);
      const sdkReads = (() => {
        try {
          return new pulumi.Config("node-fleet").getBoolean("protect") !== undefined;
        } catch {
          return false;
        }
      })();
      const weRead = (() => {
        try {
          return readStackConfig().settings.protect !== undefined;
        } catch {
          return false;
        }
      })();
      expect(weRead).toBe(sdkReads);
    });

  it("reads a list as the Node.js SDK's Config.getObject does (JSON text)", () => {
    const { settings } = withConfig({ ...VALID, "node-fleet:sshSourceCidrs": '["10.20.0.0/16","fd00:20::/32"]' })();
    expect(settings.sshSourceCidrs).toEqual(new pulumi.Config("node-fleet").getObject("sshSourceCidrs"));
  });

  it("keeps the registration token a secret output", async () => {
    const { registrationToken } = withConfig(VALID)();
    expect(registrationToken && (await pulumi.isSecret(registrationToken))).toBe(true);
  });

  it("fails naming the key and the command that fixes it", () => {
    expect(withConfig({ ...VALID, "node-fleet:dnsZone": "Not A Zone" })).toThrow(
      /node-fleet:dnsZone: must be a lowercase DNS zone such as infra\.example\.com; pulumi config set node-fleet:dnsZone <value> -s stg/);
  });

  it("reports every problem at once", () => {
    const read = withConfig({ ...VALID, "node-fleet:sshSourceCidrs": '["nope"]', "node-fleet:colour": "blue" });
    expect(read).toThrow(/unknown config key "node-fleet:colour"/);
    expect(read).toThrow(/node-fleet:sshSourceCidrs\[0\]: "nope" is not a CIDR/);
  });

  it("refuses an environment other than the stack name", () => {
    expect(withConfig({ ...VALID, "node-fleet:environment": "prd" })).toThrow(/environment is "prd" but the stack is "stg"/);
  });

  it("refuses a secret the engine did not mark secret (set without --secret)", () => {
    expect(withConfig(VALID, [])).toThrow(
      /node-fleet:registrationToken is a secret stored in plain text; encrypt it: pulumi config set --secret node-fleet:registrationToken <value> -s stg/);
    expect(withConfig({ ...VALID, "hcloud:token": "abc" })).toThrow(/pulumi config set --secret hcloud:token <value> -s stg/);
  });

  it("requires admin sources on stg, naming the command that sets them", () => {
    const { ["node-fleet:panelSourceCidrs"]: _sources, ...without } = VALID;
    expect(withConfig(without)).toThrow(/node-fleet:panelSourceCidrs is required: the admin addresses allowed to reach Webmin \(10000\); pulumi config set node-fleet:panelSourceCidrs <value> -s stg/);
  });

  it("refuses documentation addresses where it deploys, and only warns under mocks", () => {
    pulumi.runtime.setAllConfig({ ...VALID, "node-fleet:sshSourceCidrs": '["203.0.113.10/32"]' }, ["node-fleet:registrationToken"]);
    expect(() => readStackConfig({ documentationAddresses: "error" })).toThrow(/203\.0\.113\.10\/32 is a documentation address \(RFC 5737 TEST-NET-3\)/);
    expect(readStackConfig().settings.sshSourceCidrs).toEqual(["203.0.113.10/32"]);
  });

  it("refuses the committed example zone, zone id and registration URL where it deploys, naming each fix, and only warns under mocks", () => {
    pulumi.runtime.setAllConfig(VALID, ["node-fleet:registrationToken"]);
    expect(() => readStackConfig({ documentationAddresses: "error" })).toThrow(new RegExp([
      "node-fleet:dnsZone: infra\\.example\\.com .*pulumi config set node-fleet:dnsZone <your-zone> -s stg\\n",
      "  node-fleet:cloudflareZoneId: 023e105f4ecef8ad9ca31a8372d0c353 .*pulumi config set node-fleet:cloudflareZoneId <zone-id> -s stg\\n",
      "  node-fleet:registrationUrl: https://platform\\.example\\.com/api/nodes .*pulumi config set node-fleet:registrationUrl <https-url> -s stg$",
    ].join("")));
    expect(readStackConfig().settings.dnsZone).toBe("infra.example.com");
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
