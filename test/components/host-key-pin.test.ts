import { describe, expect, it } from "vitest";
import { pinnedHostKey, pinnedPanelCert } from "../../src/components/host-key-pin";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGm3YnJvdGF0ZWQ=";

describe("the host key the provisioning step pinned", () => {
  it("is the key of the step's pin line for this server, among the playbook's output", () => {
    expect(pinnedHostKey(`PLAY RECAP\nnode : ok=3 changed=1\nnode-fleet-host-key 4711 ${KEY}\n`, "4711")).toBe(KEY);
  });

  it("is the last pin line when a run printed several", () => {
    expect(pinnedHostKey(`node-fleet-host-key 4711 ssh-ed25519 AAAAold\nnode-fleet-host-key 4711 ${KEY}\n`, "4711")).toBe(KEY);
  });

  it("never is a key pinned for another server (a rebuild's new server starts from its user-data key)", () => {
    expect(() => pinnedHostKey(`node-fleet-host-key 4711 ${KEY}\n`, "4712")).toThrow("the provisioning step of server 4712 printed no pinned host key");
  });

  it("never is a line that only looks like a pin (a node cannot smuggle one in through a task's output)", () => {
    expect(() => pinnedHostKey(`changed: [node] => node-fleet-host-key 4711 ${KEY}\n`, "4711")).toThrow(/printed no pinned host key/);
  });
});

describe("the panel certificate the provisioning step pinned", () => {
  const CERT = "3F:9A:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:23:45:67:89:AB:CD:EF:10:32:54:76:98:BA";

  it("is the SHA-256 fingerprint of the step's certificate line for this server", () => {
    expect(pinnedPanelCert(`node-fleet-host-key 4711 ${KEY}\nnode-fleet-panel-cert 4711 ${CERT}\n`, "4711")).toBe(CERT);
  });

  it("is empty when the node had no panel certificate, or only one of another server", () => {
    expect(pinnedPanelCert(`node-fleet-host-key 4711 ${KEY}\n`, "4711")).toBe("");
    expect(pinnedPanelCert(`node-fleet-panel-cert 4711 ${CERT}\n`, "4712")).toBe("");
  });

  it("is never a fingerprint of another length", () => {
    expect(pinnedPanelCert(`node-fleet-panel-cert 4711 ${CERT.slice(3)}\n`, "4711")).toBe("");
  });
});
