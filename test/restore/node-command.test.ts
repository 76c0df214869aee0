import { describe, expect, it } from "vitest";
import { nodeRestoreCommand, parseRestoreOutput, restoreFailure } from "../../src/restore/node-command";

const SELF = "prd-sha-het-de-fsn1-001";
const base = { from: SELF, snapshot: "latest", overwrite: false, drill: false };

describe("the command fleet restore runs on the node", () => {
  it("restores the node's own latest backup and moves its domains to the node's address", () => {
    expect(nodeRestoreCommand({ ...base, newIp: "192.0.2.10" }, SELF)).toBe("node-fleet-restore --snapshot latest --new-ip 192.0.2.10");
  });

  it("names the predecessor with --from, over existing domains when told", () => {
    expect(nodeRestoreCommand({ ...base, from: "prd-sha-het-de-fsn1-002", snapshot: "0a1b2c3d", overwrite: true }, SELF))
      .toBe("node-fleet-restore --snapshot 0a1b2c3d --from prd-sha-het-de-fsn1-002 --overwrite");
  });

  it("refuses values that are not a snapshot id, a hostname or an address before anything reaches the node", () => {
    expect(() => nodeRestoreCommand({ ...base, snapshot: "latest; rm -rf /" }, SELF)).toThrow('snapshot "latest; rm -rf /" must be latest or a snapshot id (8-64 hex digits)');
    expect(() => nodeRestoreCommand({ ...base, from: "$(id)" }, SELF)).toThrow('"$(id)" is not a node hostname');
    expect(() => nodeRestoreCommand({ ...base, newIp: "300.1.1.1" }, SELF)).toThrow('"300.1.1.1" is not an IPv4 address');
  });
});

describe("what node-fleet-restore reports", () => {
  it("reads the snapshot, the moved addresses, each domain and the summary", () => {
    const stdout = "snapshot 6ef8735076bafe46 2026-12-03T02:00:01Z /var/backups/virtualmin/2026-12-03\nip 10.0.0.2 192.0.2.10\n" +
      "domain blog.example\ndomain shop.example\nrestored 2 domains from snapshot 6ef87350 of prd-sha-het-de-fsn1-001 (2026-12-03T02:00:01Z)\n";
    expect(parseRestoreOutput(stdout)).toEqual({
      snapshot: { id: "6ef8735076bafe46", time: "2026-12-03T02:00:01Z", path: "/var/backups/virtualmin/2026-12-03" },
      addressesMoved: [{ from: "10.0.0.2", to: "192.0.2.10" }],
      domains: ["blog.example", "shop.example"],
      summary: "restored 2 domains from snapshot 6ef87350 of prd-sha-het-de-fsn1-001 (2026-12-03T02:00:01Z)",
    });
  });

  it("maps each exit to a failure with its own code and the node's reason", () => {
    const damaged = restoreFailure(22, "node-fleet-restore: FAILED: restoring snapshot 6ef87350: repository damaged: pack 3f damaged\n");
    expect([damaged.exitCode, damaged.message]).toEqual([22, "restoring snapshot 6ef87350: repository damaged: pack 3f damaged"]);
    expect(restoreFailure(21, "node-fleet-restore: FAILED: reading the snapshots: wrong repository password").exitCode).toBe(21);
  });

  it("calls a restore whose SSH session was lost or that was killed interrupted, never restored", () => {
    expect(restoreFailure(143, "").message).toBe("the restore on the node stopped (exit 143); nothing is reported as restored; " +
      "run the same restore again: it continues over the partial work");
    expect(restoreFailure(143, "").exitCode).toBe(34);
    expect(restoreFailure(255, "ssh: connect to host 192.0.2.10 port 22: Connection refused")).toMatchObject({
      exitCode: 69, message: "the node could not be reached over SSH: ssh: connect to host 192.0.2.10 port 22: Connection refused" });
  });
});
