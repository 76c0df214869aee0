import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { stackConfigMap } from "../../src/offline/plan-stack";
import { installRecorder, type OutputFaker, type RecordedResource } from "../../src/offline/recorder";
import { program, type StackOutputs } from "../../src/program";
import type { StackSettings } from "../../src/stack/settings";
import { readStackFile } from "../../src/stack/stack-file";

const ROOT = join(__dirname, "../..");

/** Known stand-ins for what providers compute, so values flow through applies. */
export const fakeOutputs: OutputFaker = (type, name, _inputs, id) => {
  switch (type) {
    case "tls:index/privateKey:PrivateKey":
      return { publicKeyOpenssh: `ssh-ed25519 AAAA-${name}\n`, privateKeyOpenssh: `-----BEGIN OPENSSH PRIVATE KEY-----\n${name}\n-----END OPENSSH PRIVATE KEY-----\n` };
    case "hcloud:index/server:Server":
      return { ipv4Address: `192.0.2.${id % 250}`, ipv6Address: `2001:db8::${id}` };
    case "random:index/randomPassword:RandomPassword":
      return { result: `password-of-${name}` };
    default:
      return {};
  }
};

/** Runs the real stack program under mocks on a fleet given as text, with the committed
 *  stack file's settings plus overrides. One run per test file (mocks are process-wide). */
export async function runStack(stack: string, fleetText: string, overrides: Partial<StackSettings> = {},
  secrets: { registrationToken?: string } = { registrationToken: "token-for-tests" },
): Promise<{ resources: RecordedResource[]; outputs: StackOutputs }> {
  const dir = mkdtempSync(join(tmpdir(), "stack-"));
  writeFileSync(join(dir, "fleet.yaml"), fleetText);
  const settings = { ...readStackFile(ROOT, stack).stack!.settings, fleetFile: join(dir, "fleet.yaml"), ...overrides };
  const resources = await installRecorder("node-fleet", stack, fakeOutputs);
  const config = stackConfigMap(settings, secrets);
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  const outputs = await program();
  await pulumi.runtime.disconnect();
  return { resources, outputs };
}

/** The resource of a node with a role suffix, e.g. `-server`. */
export function byName(resources: readonly RecordedResource[], name: string): RecordedResource {
  const found = resources.find((r) => r.name === name);
  if (!found) throw new Error(`no resource named ${name}; have: ${resources.map((r) => r.name).join(", ")}`);
  return found;
}

export const FLEET = `defaults: { size: cpx22, image: ubuntu-24.04 }
nodes:
  prd-sha-het-de-fsn1-001: { size: cpx32 }
  prd-sha-het-us-ash1-001: { protect: false }
  stg-sha-het-de-fsn1-001: {}
  dev-sha-het-de-fsn1-001: { size: cx23 }
`;
