import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cloudInit } from "../../src/components/cloud-init";

const text = cloudInit({
  hostname: "prd-sha-het-de-fsn1-001", fqdn: "prd-sha-het-de-fsn1-001.infra.example.com",
  hostPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----",
  hostPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9k\n",
});

describe("cloudInit", () => {
  it("starts with the #cloud-config header", () => {
    expect(text.startsWith("#cloud-config\n")).toBe(true);
  });

  it("sets hostname and FQDN and manages /etc/hosts", () => {
    expect(parse(text)).toEqual(expect.objectContaining({
      hostname: "prd-sha-het-de-fsn1-001", fqdn: "prd-sha-het-de-fsn1-001.infra.example.com", manage_etc_hosts: true,
    }));
  });

  it("installs only the pinned ED25519 host key", () => {
    const config = parse(text);
    expect(config.ssh_deletekeys).toBe(true);
    expect(config.ssh_genkeytypes).toEqual(["ed25519"]);
    expect(config.ssh_keys).toEqual({
      ed25519_private: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----\n",
      ed25519_public: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9k",
    });
  });

  it("turns SSH password login off", () => {
    expect(parse(text).ssh_pwauth).toBe(false);
  });
});
