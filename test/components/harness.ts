import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { stackConfigMap } from "../../src/offline/plan-stack";
import { provisionPin } from "../../src/offline/fake-outputs";
import { installRecorder, type OutputFaker, type RecordedResource } from "../../src/offline/recorder";
import { program, type StackOutputs } from "../../src/program";
import type { StackSettings } from "../../src/stack/settings";
import { readStackFile } from "../../src/stack/stack-file";
import type { EngineResource } from "../engine/model";

const ROOT = join(__dirname, "../..");

/** The key a node's provisioning step pinned in these runs (it replaced the user-data key). */
export function rotatedKeyOf(stepName: string): string {
  return `AAAA${Buffer.from(stepName).toString("base64")}`;
}

/** The panel certificate fingerprint every node's provisioning step read in these runs. */
export const PANEL_CERT = "3F:9A:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:23:45:67:89:AB:CD:EF:10:32:54:76:98:BA";

/** Known stand-ins for what providers compute, so values flow through applies. */
export const fakeOutputs: OutputFaker = (type, name, inputs, id) => {
  switch (type) {
    case "tls:index/privateKey:PrivateKey":
      return { publicKeyOpenssh: `ssh-ed25519 AAAA-${name}\n`, privateKeyOpenssh: `-----BEGIN OPENSSH PRIVATE KEY-----\n${name}\n-----END OPENSSH PRIVATE KEY-----\n` };
    // Hetzner's shapes: a server's IPv6 is its /64's first host (getServerAttributes).
    case "hcloud:index/server:Server":
      return { ipv4Address: `192.0.2.${id % 250}`, ipv6Address: `2001:db8:${(id % 0xffff).toString(16)}::1` };
    case "hcloud:index/primaryIp:PrimaryIp":
      return { ipAddress: inputs.type === "ipv6" ? `2001:db8:${(id % 0xffff).toString(16)}::` : `198.51.100.${id % 250}` };
    case "random:index/randomPassword:RandomPassword":
      return { result: `password-of-${name}` };
    case "command:local:Command":
      return name.endsWith("-provision") ? { stdout: `provision: ${name}: done\n${provisionPin(inputs, rotatedKeyOf(name), PANEL_CERT)}` } : {};
    default:
      return {};
  }
};

/** Runs the real stack program under mocks on a fleet given as text, with the committed
 *  stack file's settings plus overrides. Runs may follow each other in one process; a
 *  resource's id depends only on its name, so two runs over the same nodes agree on ids
 *  the way a real engine keeps them. `state` is what the engine would record. */
export async function runStack(stack: string, fleetText: string, overrides: Partial<StackSettings> = {},
  secrets: { registrationToken?: string } = { registrationToken: "token-for-tests" },
  engine: {
    supports?: (feature: string) => boolean;
    /** Ids and outputs the state already holds, by resource name: the engine hands a
     *  resource that exists (same or updated) its recorded id and outputs, not new ones
     *  (e.g. an imported address). */
    recorded?: Readonly<Record<string, RecordedOutputs>>;
  } = {},
): Promise<{ resources: RecordedResource[]; outputs: StackOutputs; state: EngineResource[] }> {
  const dir = mkdtempSync(join(tmpdir(), "stack-"));
  writeFileSync(join(dir, "fleet.yaml"), fleetText);
  const settings = { ...readStackFile(ROOT, stack).stack!.settings, fleetFile: join(dir, "fleet.yaml"), ...overrides };
  const resources = await installRecorder("node-fleet", stack, fakeOutputs);
  const state = captureEngineState(engine.recorded ?? {});
  if (engine.supports) answerFeatures(engine.supports);
  const config = stackConfigMap(settings, secrets);
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  const outputs = await program();
  await pulumi.runtime.disconnect();
  return { resources, outputs, state };
}

/** The mock monitor's request, for the options the recorder does not keep. */
interface FullRequest {
  getType(): string;
  getName(): string;
  getCustom(): boolean;
  getProtect(): boolean | undefined;
  getDeletebeforereplace(): boolean;
  getRetainondelete(): boolean | undefined;
  getIgnorechangesList(): string[];
  hasReplacementTrigger(): boolean;
  getReplacementTrigger(): { toJavaScript(): unknown } | undefined;
  getObject(): { toJavaScript(): Record<string, unknown> };
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(cb: (deps: { getUrnsList(): string[] }, key: string) => void): void };
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
}

/** Makes the mock monitor answer SupportsFeature as an engine of another version would. */
function answerFeatures(supports: (feature: string) => boolean): void {
  type FeatureCallback = (err: unknown, response: { getHassupport(): boolean }) => void;
  const monitor = pulumi.runtime.getMonitor() as unknown as { supportsFeature(req: { getId(): string }, cb: FeatureCallback): void };
  monitor.supportsFeature = (req, cb) => cb(null, { getHassupport: () => supports(req.getId()) });
}

/** The id the mocks give a resource: it depends only on its type and name. */
export function stableId(type: string, name: string): number {
  return parseInt(createHash("sha256").update(`${type}:${name}`).digest("hex").slice(0, 7), 16) + 1;
}

/** Records every registration as engine state, and gives resources name-derived ids. */
/** What the state holds of an existing resource. */
export interface RecordedOutputs {
  readonly id: string;
  readonly outputs: Record<string, unknown>;
}

function captureEngineState(recorded: Readonly<Record<string, RecordedOutputs>>): EngineResource[] {
  const state: EngineResource[] = [];
  type Callback = (err: unknown, response?: { getUrn(): string }) => void;
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: FullRequest, cb: Callback): Promise<void>;
    mocks: pulumi.runtime.Mocks;
  };
  monitor.mocks = {
    ...monitor.mocks,
    newResource: (args) => {
      const known = recorded[args.name];
      if (known) return { id: known.id, state: { ...args.inputs, ...known.outputs } };
      const id = stableId(args.type, args.name);
      return { id: String(id), state: { ...args.inputs, ...fakeOutputs(args.type, args.name, args.inputs, id) } };
    },
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => register(req, (err, response) => {
    if (response) {
      const propertyDependencies: Record<string, string[]> = {};
      req.getPropertydependenciesMap().forEach((deps, key) => { propertyDependencies[key] = deps.getUrnsList(); });
      const timeouts = req.getCustomtimeouts();
      state.push({
        urn: response.getUrn(), type: req.getType(), name: req.getName(), custom: req.getCustom(),
        protect: req.getProtect() ?? false, deleteBeforeReplace: req.getDeletebeforereplace(),
        retainOnDelete: req.getRetainondelete() ?? false, ignoreChanges: req.getIgnorechangesList(),
        replacementTrigger: req.hasReplacementTrigger() ? req.getReplacementTrigger()?.toJavaScript() : undefined,
        inputs: req.getObject().toJavaScript(), propertyDependencies, dependencies: req.getDependenciesList(),
        customTimeouts: {
          ...(timeouts?.getCreate() ? { create: timeouts.getCreate() } : {}),
          ...(timeouts?.getUpdate() ? { update: timeouts.getUpdate() } : {}),
          ...(timeouts?.getDelete() ? { delete: timeouts.getDelete() } : {}),
        },
      });
    }
    cb(err, response);
  });
  return state;
}

/** The resource of a node with a role suffix, e.g. `-server`. */
export function byName(resources: readonly RecordedResource[], name: string): RecordedResource {
  const found = resources.find((r) => r.name === name);
  if (!found) throw new Error(`no resource named ${name}; have: ${resources.map((r) => r.name).join(", ")}`);
  return found;
}

export const FLEET = `defaults: { size: cpx22 }
nodes:
  prd-sha-het-de-fsn1-001: { size: cpx32, image: ubuntu-24.04 }
  prd-sha-het-us-ash1-001: { image: ubuntu-24.04 }
  stg-sha-het-de-fsn1-001: { image: ubuntu-24.04 }
  dev-sha-het-de-fsn1-001: { size: cx23, image: ubuntu-24.04 }
`;
