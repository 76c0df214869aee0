import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { HetznerClient } from "../../src/health/hetzner";
import { executeSteps } from "../../src/health/recovery";
import type { NodeRecord } from "../../src/health/model";
import { pruneRecoverySnapshots, recordPrunes, snapshotsToDelete, type RecoverySnapshot } from "../../src/health/snapshot-retention";
import { StackSettingsFields } from "../../src/stack/settings";

const DAY = 24 * 60 * 60_000;
const NOW = Date.parse("2026-12-03T12:00:00Z");
const A = "prd-sha-het-de-fsn1-001";
const B = "prd-sha-het-de-fsn1-002";
const C = "prd-sha-het-fi-hel1-001";
const snap = (id: number, hostname: string, daysOld: number): RecoverySnapshot => ({ id, hostname, created: NOW - daysOld * DAY });

describe("snapshotsToDelete", () => {
  it("deletes every snapshot of a node but its newest at once", () => {
    expect(snapshotsToDelete([snap(1, A, 6), snap(2, A, 3), snap(3, A, 1)], NOW, 7).map((s) => s.id)).toEqual([1, 2]);
  });

  it("keeps a node's newest snapshot for the set days, then deletes it too", () => {
    expect(snapshotsToDelete([snap(4, B, 6.9), snap(5, C, 7.1)], NOW, 7).map((s) => s.id)).toEqual([5]);
  });

  it("counts per node: one node's newer snapshot never removes another node's", () => {
    expect(snapshotsToDelete([snap(6, A, 5), snap(7, B, 1)], NOW, 7)).toEqual([]);
  });
});

describe("the recoverySnapshotDays stack setting", () => {
  const field = StackSettingsFields.shape.recoverySnapshotDays;
  it("defaults to 7 days and reads the text `pulumi config set` writes", () => {
    expect([field.parse(undefined), field.parse("14")]).toEqual([7, 14]);
  });

  it("refuses zero days", () => {
    expect(field.safeParse(0).success).toBe(false);
  });
});

// Hetzner's image endpoints on 127.0.0.1, as hcloud-go reads and deletes them
// (hcloud/image.go ImageClient.AllWithOpts through hcloud/client_helper.go iterPages:
// `type`, `label_selector`, `page`, `per_page`, `meta.pagination.next_page`;
// ImageClient.Delete: DELETE /images/{id} answered 204 without a body).
interface FakeImage {
  id: number;
  status: "available" | "creating";
  description: string;
  created: string;
  created_from: { id: number; name: string } | null;
  labels: Record<string, string>;
  protection: { delete: boolean };
}
let server: Server | undefined;
afterEach(() => server?.close());

async function fakeImages(images: FakeImage[], perPage = 2) {
  const requests: string[] = [];
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.setHeader("content-type", "application/json");
    const url = new URL(req.url!, "http://x");
    const del = /^\/v1\/images\/(\d+)$/.exec(url.pathname)?.[1];
    if (req.method === "DELETE" && del) {
      const at = images.findIndex((i) => i.id === Number(del));
      if (at < 0 || images[at]!.protection.delete) {
        res.statusCode = at < 0 ? 404 : 423;
        res.end(JSON.stringify({ error: { code: at < 0 ? "not_found" : "protected", message: at < 0 ? "image not found" : "image is protected" } }));
        return;
      }
      images.splice(at, 1);
      res.statusCode = 204;
      res.end();
      return;
    }
    if (req.method === "GET" && url.pathname === "/v1/images") {
      const [key, value] = (url.searchParams.get("label_selector") ?? "").split("=");
      const matching = images.filter((i) => i.labels[key!] === value && url.searchParams.get("type") === "snapshot");
      const page = Number(url.searchParams.get("page") ?? "1");
      const last = Math.max(1, Math.ceil(matching.length / perPage));
      res.end(JSON.stringify({ images: matching.slice((page - 1) * perPage, page * perPage),
        meta: { pagination: { page, per_page: perPage, next_page: page < last ? page + 1 : null, last_page: last } } }));
      return;
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ error: { code: "not_found", message: "not found" } }));
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return { client: new HetznerClient({ token: "t", baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` }), requests, images };
}

const image = (id: number, host: string, daysOld: number, over: Partial<FakeImage> = {}): FakeImage => ({
  id, status: "available", description: `node-fleet recovery ${host}@2026-11-01T00:00:00.000Z`,
  created: new Date(NOW - daysOld * DAY).toISOString(), created_from: { id: 40 + id, name: host },
  labels: { "managed-by": "node-fleet", "node-fleet-node": host }, protection: { delete: false }, ...over,
});

describe("pruning recovery snapshots at Hetzner", () => {
  it("deletes the older snapshots and an expired newest, reading every page, and keeps the rest", async () => {
    const api = await fakeImages([image(1, A, 9), image(2, A, 2), image(3, B, 8), image(4, C, 1)]);
    const prunes = await pruneRecoverySnapshots(api.client, NOW, 7);
    expect(api.images.map((i) => i.id)).toEqual([2, 4]);
    expect(api.requests).toEqual([
      "GET /v1/images?type=snapshot&label_selector=managed-by%3Dnode-fleet&page=1&per_page=50",
      "GET /v1/images?type=snapshot&label_selector=managed-by%3Dnode-fleet&page=2&per_page=50",
      "DELETE /v1/images/1", "DELETE /v1/images/3"]);
    expect(prunes).toEqual([
      { hostname: A, deleted: [snap(1, A, 9)], failed: [], kept: snap(2, A, 2) },
      { hostname: B, deleted: [snap(3, B, 8)], failed: [] },
    ]);
  });

  it("finds a node's snapshot taken before the node label by the server it was created from", async () => {
    const api = await fakeImages([image(5, A, 3, { labels: { "managed-by": "node-fleet" } }), image(6, A, 1)]);
    await pruneRecoverySnapshots(api.client, NOW, 7);
    expect(api.images.map((i) => i.id)).toEqual([6]);
  });

  it("leaves alone a snapshot still being taken, a protected one, and node-fleet images that are not recovery's", async () => {
    const api = await fakeImages([image(7, A, 20, { protection: { delete: true } }), image(8, A, 9, { description: "node-fleet golden image" }),
      image(9, A, 0, { status: "creating" }), image(10, A, 10)]);
    await pruneRecoverySnapshots(api.client, NOW, 7);
    // 10 is the newest complete one, and past its days.
    expect(api.images.map((i) => i.id)).toEqual([7, 8, 9]);
  });
});

describe("recordPrunes", () => {
  const record = (over: Partial<NodeRecord>): NodeRecord => ({ hostname: A, state: "ready", generation: 0, graceUntil: 0, consecutiveFailures: 0,
    history: [], actions: [], ...over });
  const incident = (id: string) => ({ id, correlationId: "c-1", kind: "down" as const, status: "resolved" as const, openedAt: 0, seen: ["tcp:22: refused"], attempts: [] });
  const prune = { hostname: A, deleted: [snap(1, A, 9)], failed: [], kept: snap(2, A, 2) };
  const NOTE = "deleted recovery snapshot 1 (taken 2026-11-24); kept the newest, 2, until 2026-12-08";

  it("says in the node's last incident what was deleted and until when the newest stays, with an event carrying its ids", () => {
    const { records, events } = recordPrunes([record({ history: [incident("older"), incident(`${A}@2026-12-01T08:00:00.000Z`)] })], [prune], NOW, 7);
    expect(records[0]!.history.map((i) => i.seen.at(-1))).toEqual(["tcp:22: refused", NOTE]);
    expect(events).toEqual([{ type: "snapshots.deleted", at: NOW, hostname: A, message: NOTE, ok: true,
      incidentId: `${A}@2026-12-01T08:00:00.000Z`, correlationId: "c-1", kind: "down" }]);
  });

  it("notes it on the open incident when there is one", () => {
    const open = { ...incident("open"), status: "recovering" as const };
    expect(recordPrunes([record({ incident: open })], [prune], NOW, 7).records[0]!.incident!.seen.at(-1)).toBe(NOTE);
  });

  it("says nothing for a node whose pass deleted nothing", () => {
    expect(recordPrunes([record({})], [{ hostname: A, deleted: [], failed: [], kept: snap(2, A, 2) }], NOW, 7).events).toEqual([]);
  });
});

describe("the snapshot before a rebuild", () => {
  it("is labelled with its node and described as recovery's, so retention finds it after the server is replaced", async () => {
    const taken: [string, Record<string, string>][] = [];
    await executeSteps([{ hostname: A, incidentId: "inc-1", correlationId: "c-1", step: "rebuild" }], {
      nodes: { reprovision: async () => "", rebuild: async () => "rebuilt" },
      machines: { powerCycle: async () => "", rebuildProtected: async () => false, activity: async () => ({ status: "off", minutes: 10, packetsOutPerSecond: [] }),
        ledger: async () => ({ resets: [], rebuilds: [] }),
        snapshot: async (_h, description, labels) => { taken.push([description, labels]); return "snapshot image 9"; } },
      secondPath: async () => ({ down: "Hetzner reports the server off" }),
    }, () => NOW);
    expect(taken).toEqual([["node-fleet recovery inc-1", { "managed-by": "node-fleet", "node-fleet-correlation": "c-1", "node-fleet-node": A }]]);
  });
});
