import { beforeAll, describe, expect, it } from "vitest";
import { CUSTOMER, onHost, type Provisioned } from "./provisioned";

/** os-hardening settings met as a user meets them, and the security suite. */
export function describeSystem(node: Provisioned): void {
  const on = onHost(node);

  describe("the system", () => {
    beforeAll(() => {
      expect(on(`id ${CUSTOMER} >/dev/null 2>&1 || useradd -m ${CUSTOMER}`).code).toBe(0);
    });

    it("gives no core dumps to login sessions, customers' or root's, nor to services", () => {
      expect(on(`su - ${CUSTOMER} -c 'ulimit -Hc'`).stdout).toBe("0");
      expect(on("ulimit -Hc").stdout).toBe("0");
      expect(on("systemd-run --wait --pipe --quiet sh -c 'ulimit -Hc'").stdout).toBe("0");
    });

    it("gives login shells the umask 027", () => {
      expect(on(`su - ${CUSTOMER} -c umask`).stdout).toBe("0027");
    });

    it("shows a user only their own processes, and root all", () => {
      const seen = on(`runuser -u ${CUSTOMER} -- ps -eo user= | sort -u`).stdout.split("\n");
      expect(seen).toEqual([CUSTOMER]);
      expect(on("ps -eo comm=").stdout.split("\n")).toContain("sshd");
    });

    it("turns unprivileged user namespaces off at every boot (checked in the sysctl file: the container's kernel is this machine's)", () => {
      expect(on("cat /etc/sysctl.d/61-node-fleet-userns.conf").stdout).toMatch(/^kernel\.unprivileged_userns_clone\s*=\s*0$/m);
    });

    it("mounts /dev/shm noexec, nosuid and nodev, now and at every boot", () => {
      expect(on("findmnt -no OPTIONS /dev/shm").stdout.split(",")).toEqual(expect.arrayContaining(["noexec", "nosuid", "nodev"]));
      expect(on("grep -E '^tmpfs\\s+/dev/shm\\s' /etc/fstab").stdout).toMatch(/noexec,nosuid,nodev/);
    });

    it("keeps the drivers of unused file systems from loading (checked in modprobe's file: the host has no modprobe)", () => {
      expect(on("cat /etc/modprobe.d/node-fleet-filesystems.conf").stdout).toMatch(/^install cramfs \/bin\/false$/m);
    });

    it("adds the security suite only where the image's sources lack it", async () => {
      const ours = "/etc/apt/sources.list.d/node-fleet-security.sources";
      expect(on(`test -f ${ours}`).code).toBe(0);
      on("echo 'deb http://security.debian.org/debian-security bookworm-security main' > /etc/apt/sources.list.d/image-security.list");
      try {
        expect((await node.provision({ NODE_TAGS: "security-suite" })).code).toBe(0);
        expect(on(`test -f ${ours}`).code).toBe(1);
      } finally {
        on("rm -f /etc/apt/sources.list.d/image-security.list");
      }
      expect((await node.provision({ NODE_TAGS: "security-suite" })).code).toBe(0);
      expect(on(`test -f ${ours}`).code).toBe(0);
    }, 120_000);

    it("installs security updates from the distribution's security suite, and only those", () => {
      const dryRun = on("unattended-upgrade --dry-run --debug 2>&1").stdout;
      const allowed = /^Allowed origins are: (.*)$/m.exec(dryRun)?.[1]?.split(", ");
      expect(allowed).toEqual(["origin=Debian,codename=bookworm-security,label=Debian-Security", "origin=Ubuntu,archive=bookworm-security"]);
      expect(on("apt-cache policy").stdout).toMatch(/bookworm-security\/main amd64 Packages\n\s+release .*l=Debian-Security/);
    }, 120_000);
  });
}
