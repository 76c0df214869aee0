import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { NodeLogin, NodeShell } from "../../src/backup/node-shell";
import { judgeMetadataBarrier, METADATA_BARRIER_PROBE, METADATA_DENIED_UNITS, readMetadataBarriers } from "../../src/health/metadata-barrier";

const HOST = "prd-sha-het-de-fsn1-001";
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG2xQmrvD6ADHnjDjnq0Rp0gMmVYcUHjaAm6Kc1kzJbA";
const outputs = { nodes: { [HOST]: { ipv4: "127.0.0.9", hostPublicKey: KEY } }, adminKeys: { [HOST]: "-----BEGIN OPENSSH PRIVATE KEY-----\nk\n" } };

/** A node that answers the probe with `stdout` (exit `code`), recording how it was reached. */
function node(stdout: string, code: number | null = 0): { logins: NodeLogin[]; commands: string[]; shellFor: (l: NodeLogin) => NodeShell } {
  const logins: NodeLogin[] = [];
  const commands: string[] = [];
  return {
    logins, commands,
    shellFor: (login) => {
      logins.push(login);
      return async (command) => {
        commands.push(command);
        return { code, stdout, stderr: code === 0 ? "" : "Host key verification failed." };
      };
    },
  };
}

describe("the metadata barrier verdict", () => {
  it("is ok when the nftables table holds the address and customers' slices deny it", () => {
    expect(judgeMetadataBarrier("nftables=loaded\nsystemd=read\n")).toEqual({ ok: true, detail: "blocked for customers (nftables and systemd)" });
  });

  it("flags the table gone (an `nft flush ruleset`) and says how to restore it", () => {
    expect(judgeMetadataBarrier("nftables=missing\nsystemd=read\n")).toEqual({ ok: false,
      detail: "METADATA REACHABLE: the nftables table inet node_fleet_metadata is GONE (restore: systemctl restart node-fleet-metadata-block)" });
  });

  it("flags the systemd barrier gone, naming each unit without it (customers' cron jobs among them)", () => {
    expect(judgeMetadataBarrier("nftables=loaded\nsystemd-missing=user-.slice\nsystemd-missing=cron.service\nsystemd=read\n").detail)
      .toBe("METADATA REACHABLE: user-.slice, cron.service lack IPAddressDeny=169.254.169.254 (re-provision the node)");
  });

  it("asks about every unit the security role denies the address to", () => {
    const role = readFileSync("ansible/roles/security/defaults/main.yml", "utf8");
    const listed = /^security_metadata_denied_units:\n((?: {2}- .+\n)+)/m.exec(role)?.[1]?.split("\n").filter(Boolean).map((l) => l.slice(4));
    expect(listed).toEqual([...METADATA_DENIED_UNITS]);
    expect(METADATA_DENIED_UNITS.every((unit) => METADATA_BARRIER_PROBE.includes(` ${unit}`))).toBe(true);
  });

  it("calls an answer it does not understand unknown, never ok, with control characters escaped", () => {
    const verdict = judgeMetadataBarrier("\u001b[2Jall good\n");
    expect(verdict.ok).toBe(false);
    expect(verdict.detail).toMatch(/^unknown: unexpected answer /);
    expect(verdict.detail).not.toContain("\u001b");
  });
});

describe("reading the barriers of the stack's nodes", () => {
  it("logs in with the host key and admin key of the stack outputs and runs the probe", async () => {
    const fake = node("nftables=loaded\nsystemd=read\n");
    expect(await readMetadataBarriers(outputs, [HOST], 1000, fake.shellFor)).toEqual([{ hostname: HOST, ok: true, detail: "blocked for customers (nftables and systemd)" }]);
    expect(fake.logins).toEqual([{ address: "127.0.0.9", hostKey: KEY, privateKey: outputs.adminKeys[HOST] }]);
    expect(fake.commands).toEqual([METADATA_BARRIER_PROBE]);
  });

  it("reports a node it could not ask (another host key) as unknown, not as blocked", async () => {
    const fake = node("", 255);
    expect(await readMetadataBarriers(outputs, [HOST], 1000, fake.shellFor)).toEqual([
      { hostname: HOST, ok: false, detail: "unknown: not asked over SSH: Host key verification failed." },
    ]);
  });

  it("asks nothing of a node without a pinned host key in the outputs", async () => {
    const fake = node("nftables=loaded\nsystemd=read\n");
    const [result] = await readMetadataBarriers({ nodes: { [HOST]: { ipv4: "127.0.0.9" } }, adminKeys: outputs.adminKeys }, [HOST], 1000, fake.shellFor);
    expect(result).toEqual({ hostname: HOST, ok: false, detail: "unknown: the stack's outputs hold no address, host key or admin key for it (deploy with `fleet up`)" });
    expect(fake.logins).toEqual([]);
  });
});
