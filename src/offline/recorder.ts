import * as pulumi from "@pulumi/pulumi";
import { mockId } from "./mock-id";

/** One resource the program declared, with the options that matter for review. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly custom: boolean;
  readonly parent: string;
  /** URNs of explicit and input dependencies. */
  readonly dependencies: readonly string[];
  readonly protect: boolean;
  readonly deleteBeforeReplace: boolean;
  readonly ignoreChanges: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
  readonly hasReplacementTrigger: boolean;
  /** The replacementTrigger value: the engine replaces the resource when it changes. */
  readonly replacementTrigger?: unknown;
  /** Inputs as the provider would receive them; secrets keep Pulumi's secret marker. */
  readonly inputs: Record<string, unknown>;
}

/** Outputs the mock providers return, by resource type: what a real provider would
 *  compute, in a form that says it is not real (documentation addresses, marked keys). */
export type OutputFaker = (type: string, name: string, inputs: Record<string, unknown>, id: number) => Record<string, unknown>;

/** The protobuf request the mock monitor receives (only the getters used here). */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean | undefined;
  getDependenciesList(): string[];
  getDeletebeforereplace(): boolean;
  getIgnorechangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  hasReplacementTrigger(): boolean;
  getReplacementTrigger(): { toJavaScript(): unknown } | undefined;
  getObject(): unknown;
}

/** Installs Pulumi's mock runtime for a stack and records every registration. Mocks are
 *  process-wide: one recorder per process. */
export async function installRecorder(project: string, stack: string, fakeOutputs: OutputFaker): Promise<RecordedResource[]> {
  const recorded: RecordedResource[] = [];
  await pulumi.runtime.setMocks({
    newResource: (args) => {
      const id = mockId(args.type, args.name);
      return { id: String(id), state: { ...args.inputs, ...fakeOutputs(args.type, args.name, args.inputs, id) } };
    },
    call: (args) => args.inputs,
  }, project, stack, true);

  type Callback = (err: unknown, response?: { getUrn(): string }) => void;
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: RegisterRequest, cb: Callback): Promise<void> };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => register(req, (err, response) => {
    if (response) record(req, response.getUrn());
    cb(err, response);
  });
  const record = (req: RegisterRequest, urn: string) => {
    recorded.push({
      type: req.getType(),
      name: req.getName(),
      urn,
      custom: req.getCustom(),
      parent: req.getParent(),
      dependencies: req.getDependenciesList(),
      protect: req.getProtect() ?? false,
      deleteBeforeReplace: req.getDeletebeforereplace(),
      ignoreChanges: req.getIgnorechangesList(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      hasReplacementTrigger: req.hasReplacementTrigger(),
      ...(req.hasReplacementTrigger() ? { replacementTrigger: req.getReplacementTrigger()?.toJavaScript() } : {}),
      inputs: (req.getObject() as { toJavaScript(): Record<string, unknown> }).toJavaScript(),
    });
  };
  return recorded;
}

/** Pulumi's marker for a secret value inside serialized inputs. */
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

/** Whether a serialized input value is marked secret. */
export function isSecretValue(value: unknown): boolean {
  return value !== null && typeof value === "object" && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Pulumi's marker for a value not known until deploy. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
