import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POLICY_RULES } from "../../src/review/policy";

// The analyzer protocol as the Pulumi CLI speaks it to a policy pack.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb") as {
  AnalyzerClient: new (address: string, credentials: grpc.ChannelCredentials) => {
    analyze(req: unknown, cb: (err: grpc.ServiceError | null, res: { getDiagnosticsList(): Diagnostic[] }) => void): void;
    getAnalyzerInfo(req: unknown, cb: (err: grpc.ServiceError | null, res: { getName(): string; getPoliciesList(): { getName(): string }[] }) => void): void;
    close(): void;
  };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb") as {
  AnalyzeRequest: new () => { setType(t: string): void; setName(n: string): void; setUrn(u: string): void; setProperties(s: Struct): void; setOptions(o: unknown): void };
  AnalyzerResourceOptions: new () => { setProtect(p: boolean): void };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Empty } = require("google-protobuf/google/protobuf/empty_pb") as { Empty: new () => unknown };

interface Diagnostic { getPolicyname(): string; getMessage(): string; getEnforcementlevel(): number }

const ROOT = join(__dirname, "../..");
let pack: ChildProcess;
let client: InstanceType<typeof analyzerGrpc.AnalyzerClient>;

/** Starts policy/ the way `pulumi preview --policy-pack policy` does: Pulumi's
 *  run-policy-pack (its ts-node registration, type checking on) in the pack's directory;
 *  the pack prints the port of its analyzer gRPC server. */
beforeAll(async () => {
  pack = spawn(process.execPath, [join(ROOT, "node_modules/@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:0", "."],
    { cwd: join(ROOT, "policy"), stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  pack.stderr!.on("data", (d: Buffer) => { stderr += d.toString(); });
  const port = await new Promise<string>((resolve, reject) => {
    pack.stdout!.on("data", (d: Buffer) => { const m = /^(\d+)\s*$/m.exec(d.toString()); if (m) resolve(m[1]!); });
    pack.on("exit", (code) => reject(new Error(`policy pack exited ${code}: ${stderr}`)));
  });
  client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 180_000);

afterAll(() => {
  client?.close();
  pack?.kill();
});

function analyze(type: string, name: string, props: Record<string, unknown>, protect: boolean): Promise<Diagnostic[]> {
  const req = new analyzerPb.AnalyzeRequest();
  req.setType(type);
  req.setName(name);
  req.setUrn(`urn:pulumi:prd::node-fleet::${type}::${name}`);
  req.setProperties(Struct.fromJavaScript(props as never));
  const options = new analyzerPb.AnalyzerResourceOptions();
  options.setProtect(protect);
  req.setOptions(options);
  return new Promise((resolve, reject) => client.analyze(req, (err, res) => (err ? reject(err) : resolve(res.getDiagnosticsList()))));
}

const labels = { env: "prd", type: "sha", provider: "het", region: "fsn1", node: "prd-sha-het-de-fsn1-001", panel: "virtualmin", "managed-by": "node-fleet" };
const server = {
  name: "prd-sha-het-de-fsn1-001", serverType: "cpx32", image: "ubuntu-24.04", location: "fsn1", labels,
  deleteProtection: true, rebuildProtection: true, keepDisk: true,
  publicNets: [{ ipv4Enabled: true, ipv6Enabled: true, ipv4: 4711, ipv6: 4712 }],
};

describe("the policy pack under Pulumi's policy runner", () => {
  it("offers every rule of src/review/policy", async () => {
    const info = await new Promise<{ getName(): string; getPoliciesList(): { getName(): string }[] }>((resolve, reject) =>
      client.getAnalyzerInfo(new Empty(), (err, res) => (err ? reject(err) : resolve(res))));
    expect(info.getName()).toBe("node-fleet");
    expect(info.getPoliciesList().map((p) => p.getName())).toEqual(POLICY_RULES.map((r) => r.name));
  });

  it("passes a protected, labelled prd server of a catalog size", async () => {
    expect(await analyze("hcloud:index/server:Server", "prd-sha-het-de-fsn1-001-server", server, true)).toEqual([]);
  });

  it("reports an unprotected prd server as a mandatory violation", async () => {
    const diagnostics = await analyze("hcloud:index/server:Server", "prd-sha-het-de-fsn1-001-server", { ...server, rebuildProtection: false }, false);
    // The runner prefixes the policy's description to the violation; 1 is MANDATORY.
    expect(diagnostics.map((d) => [d.getPolicyname(), d.getMessage().split("\n").pop(), d.getEnforcementlevel()])).toEqual([
      ["prd-servers-protected", "prd server prd-sha-het-de-fsn1-001-server lacks Pulumi protect, rebuildProtection", 1],
    ]);
  });

  it("reports a prd server on Hetzner's automatic addresses as a mandatory violation", async () => {
    const diagnostics = await analyze("hcloud:index/server:Server", "prd-sha-het-de-fsn1-001-server", { ...server, publicNets: [{ ipv4Enabled: true, ipv6Enabled: true }] }, true);
    expect(diagnostics.map((d) => [d.getPolicyname(), d.getMessage().split("\n").pop(), d.getEnforcementlevel()])).toEqual([
      ["prd-server-primary-ips", "prd server prd-sha-het-de-fsn1-001-server has no Primary IP of its own for ipv4, ipv6 in publicNets; a rebuild would change its addresses", 1],
    ]);
  });

  it("reports a prd firewall that opens SSH to the world", async () => {
    const rules = [{ direction: "in", protocol: "tcp", port: "22", sourceIps: ["0.0.0.0/0"], description: "SSH" }];
    const diagnostics = await analyze("hcloud:index/firewall:Firewall", "prd-sha-het-de-fsn1-001-fw", { name: "prd-sha-het-de-fsn1-001", labels, rules }, true);
    expect(diagnostics.map((d) => d.getPolicyname())).toEqual(["admin-ports-not-world-open"]);
  });
});
