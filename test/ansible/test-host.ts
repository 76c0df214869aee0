import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { cloudInit } from "../../src/components/cloud-init";

/** A disposable Debian 12 host: a systemd-nspawn container booted in a network
 *  namespace of its own, reachable at `address`, configured by the stack's real
 *  cloud-init user data (NoCloud), with root's key installed as Hetzner would. */
export interface TestHost {
  readonly address: string;
  /** This machine's address on the host's link: what the host sees a test connect from. */
  readonly hostSide: string;
  readonly hostname: string;
  readonly fqdn: string;
  /** The host key of its user data (cloud-init installs it at first boot). */
  readonly hostPublicKey: string;
  /** Pins another host key for `ssh` (provisioning replaces the user-data one). */
  pin(hostPublicKey: string): void;
  readonly adminPrivateKey: string;
  /** The file that holds it, for ssh options `ssh` does not offer. */
  readonly adminKeyFile: string;
  /** Runs a command on the host as root over SSH, verifying the pinned key; with another
   *  private key file when `identity` is given. */
  ssh(command: string, identity?: string): { code: number | null; stdout: string; stderr: string };
  stop(): Promise<void>;
}

export interface TestHostOptions {
  /** Boot the panel image: Webmin and Virtualmin GPL installed from the pinned vendor
   *  tarballs (make-panel-rootfs.sh) instead of the bare base image. */
  readonly panel?: boolean;
}

const CACHE = process.env.NODE_FLEET_TEST_CACHE ?? "/var/cache/node-fleet";
/** First boot runs cloud-init; on a loaded machine with test files in parallel it is slow. */
const BOOT_SECONDS = 180;
/** One directory per running test host (its slot: subnet and interface names) and the
 *  machine's ip_forward from before the first of them, so parallel test files neither
 *  share a subnet nor switch forwarding off under each other. */
const SLOTS = "/run/node-fleet-test-hosts";
const SLOT_COUNT = 200;

const slotNames = (slot: number) => ({ ns: `nf-test-${slot}`, host: `nf${slot}h`, peer: `nf${slot}c`, table: `nodefleet_test_${slot}` });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes a free slot, reclaiming one whose test process is gone (and what it left behind). */
function takeSlot(quietly: (cmd: string, args: string[]) => () => void): number {
  mkdirSync(SLOTS, { recursive: true });
  for (let i = 0; i < SLOT_COUNT; i++) {
    const slot = (process.pid + i) % SLOT_COUNT;
    const dir = join(SLOTS, String(slot));
    try {
      mkdirSync(dir);
    } catch {
      const owner = Number(readFileSync(join(dir, "pid"), { encoding: "utf8", flag: "a+" }));
      if (owner > 0 && alive(owner)) continue;
      const stale = slotNames(slot);
      quietly("ip", ["netns", "del", stale.ns])();
      quietly("ip", ["link", "del", stale.host])();
      quietly("nft", ["delete", "table", "ip", stale.table])();
    }
    writeFileSync(join(dir, "pid"), String(process.pid));
    return slot;
  }
  throw new Error(`all ${SLOT_COUNT} test host slots in ${SLOTS} are taken by running processes`);
}

function enableForwarding(): void {
  const before = sh("sysctl", ["-n", "net.ipv4.ip_forward"]);
  try {
    writeFileSync(join(SLOTS, "ip_forward"), before, { flag: "wx" });
  } catch {
    // Another test host saved the machine's value first.
  }
  execFileSync("sysctl", ["-q", "-w", "net.ipv4.ip_forward=1"]);
}

/** Frees the slot; the last test host out puts forwarding back as the machine had it. */
function releaseSlot(slot: number): void {
  rmSync(join(SLOTS, String(slot)), { recursive: true, force: true });
  const saved = join(SLOTS, "ip_forward");
  if (!existsSync(saved) || readdirSync(SLOTS).some((entry) => /^\d+$/.test(entry))) return;
  spawnSync("sysctl", ["-q", "-w", `net.ipv4.ip_forward=${readFileSync(saved, "utf8").trim()}`], { stdio: "ignore" });
  rmSync(saved, { force: true });
}
const REPO = resolve(__dirname, "../..");

/** The pinned upstream tarballs: `shared/vendor` beside the clone (as in CI), or beside
 *  the directory of worktrees, or where NODE_FLEET_VENDOR points. */
export function vendorDir(): string {
  const candidates = process.env.NODE_FLEET_VENDOR
    ? [process.env.NODE_FLEET_VENDOR]
    : [resolve(REPO, "../shared/vendor"), resolve(REPO, "../../shared/vendor")];
  const found = candidates.find((dir) => existsSync(join(dir, "SHA256SUMS")));
  if (!found) throw new Error(`the vendor tarballs are missing: expected ${candidates.join(" or ")} (set NODE_FLEET_VENDOR to their directory)`);
  return found;
}
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
/** Runs an image build, its progress on this process's stderr, and returns the image path.
 *  One build of each image at a time on the machine (test files run in parallel workers):
 *  a second builder waits, then finds the image complete, and nobody replaces an image
 *  that another test is copying. A lock per script, so a test that needs only the base
 *  image never waits for the panel image's long build. */
const buildImage = (script: string, args: string[]) => {
  mkdirSync(CACHE, { recursive: true });
  return execFileSync("flock", [join(CACHE, `.${script}.lock`), join(__dirname, script), ...args],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim().split("\n").pop()!;
};

/** Builds the cached image if needed, then boots a fresh copy of it. */
export async function startTestHost(hostname: string, fqdn: string, options: TestHostOptions = {}): Promise<TestHost> {
  for (const tool of ["flock", "debootstrap", "systemd-nspawn", "ip", "nft", "ssh", "ssh-keygen", "ansible-playbook", "ssh-audit"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) {
      throw new Error(`${tool} is missing: run .ci/run once, or apt-get install debootstrap systemd-container iproute2 nftables openssh-client ansible ssh-audit`);
    }
  }
  if (process.getuid?.() !== 0) throw new Error("the real-host test needs root (network namespaces and systemd-nspawn)");
  const baseImage = buildImage("make-rootfs.sh", [CACHE]);
  const image = options.panel ? buildImage("make-panel-rootfs.sh", [CACHE, baseImage, vendorDir()]) : baseImage;

  const quietly = (cmd: string, args: string[]) => () => { spawnSync(cmd, args, { stdio: "ignore" }); };
  const slot = takeSlot(quietly);
  const subnet = 10 + slot;
  const names = slotNames(slot);
  const hostSide = `10.213.${subnet}.1`;
  const address = `10.213.${subnet}.2`;
  const work = mkdtempSync("/var/tmp/node-fleet-test-host-");
  const root = join(work, "root");
  const undo: (() => void)[] = [() => releaseSlot(slot), () => rmSync(work, { recursive: true, force: true })];
  let nspawn: ChildProcess | undefined;

  const stop = async () => {
    if (nspawn?.pid && nspawn.exitCode === null) {
      const exited = new Promise<void>((done) => nspawn!.once("exit", () => done()));
      nspawn.kill("SIGTERM");
      const timer = setTimeout(() => nspawn?.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    }
    for (const step of undo.reverse()) step();
  };

  try {
    execFileSync("cp", ["-a", "--reflink=auto", image, root]);
    // The image directory comes from mktemp (0700); as "/" it would lock out every user but root.
    chmodSync(root, 0o755);
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "host", "-f", join(work, "host_key")]);
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "admin", "-f", join(work, "admin_key")]);
    const hostPublicKey = readFileSync(join(work, "host_key.pub"), "utf8").split(" ").slice(0, 2).join(" ");
    const seed = join(root, "var/lib/cloud/seed/nocloud");
    mkdirSync(seed, { recursive: true });
    writeFileSync(join(seed, "user-data"), cloudInit({
      hostname, fqdn, hostPrivateKey: readFileSync(join(work, "host_key"), "utf8"), hostPublicKey,
    }));
    writeFileSync(join(seed, "meta-data"), `instance-id: node-fleet-test-${process.pid}-${slot}\nlocal-hostname: ${hostname}\n`);
    mkdirSync(join(root, "root/.ssh"), { recursive: true, mode: 0o700 });
    copyFileSync(join(work, "admin_key.pub"), join(root, "root/.ssh/authorized_keys"));
    chmodSync(join(root, "root/.ssh/authorized_keys"), 0o600);
    copyFileSync("/etc/resolv.conf", join(root, "etc/resolv.conf"));
    // A server's fstab names its root file system; debootstrap leaves it empty. Virtualmin
    // finds a domain's file system from it (virtual-server-lib-funcs.pl 8.1.0 get_mount_point):
    // with no root entry beside the role's /dev/shm line, every `list-domains` prints
    // "Failed to find mount point" into its answer.
    writeFileSync(join(root, "etc/fstab"), "/dev/sda1 / ext4 defaults 0 1\n");
    writeFileSync(join(work, "known_hosts"), `${address} ${hostPublicKey}\n`);

    execFileSync("ip", ["netns", "add", names.ns]);
    undo.push(quietly("ip", ["netns", "del", names.ns]));
    execFileSync("ip", ["link", "add", names.host, "type", "veth", "peer", "name", names.peer]);
    undo.push(quietly("ip", ["link", "del", names.host]));
    execFileSync("ip", ["link", "set", names.peer, "netns", names.ns]);
    execFileSync("ip", ["addr", "add", `${hostSide}/24`, "dev", names.host]);
    execFileSync("ip", ["link", "set", names.host, "up"]);
    // Named eth0 inside, as on a Hetzner server: Virtualmin takes a new domain's default
    // address from the first interface Webmin counts as Ethernet (first_ethernet_iface).
    execFileSync("ip", ["-n", names.ns, "link", "set", names.peer, "name", "eth0"]);
    for (const args of [["addr", "add", `${address}/24`, "dev", "eth0"], ["link", "set", "eth0", "up"],
      ["link", "set", "lo", "up"], ["route", "add", "default", "via", hostSide]]) {
      execFileSync("ip", ["-n", names.ns, ...args]);
    }
    // NAT, so the host can reach Debian's mirror through this machine.
    enableForwarding();
    execFileSync("nft", ["add", "table", "ip", names.table]);
    undo.push(quietly("nft", ["delete", "table", "ip", names.table]));
    execFileSync("nft", ["add", "chain", "ip", names.table, "post", "{ type nat hook postrouting priority srcnat; }"]);
    execFileSync("nft", ["add", "rule", "ip", names.table, "post", "ip", "saddr", `10.213.${subnet}.0/24`, "masquerade"]);

    const consoleFd = openSync(join(work, "console.log"), "w");
    // /proc/sys/net writable, the rest of /proc/sys read-only: the net.* keys belong to the
    // host's own namespace, as on a server, and the security role's sysctl settings apply
    // there; the kernel.* and fs.* keys stay this machine's (systemd-nspawn(1), ENVIRONMENT).
    nspawn = spawn("systemd-nspawn", ["-b", "--register=no", "--keep-unit", "--capability=CAP_NET_ADMIN",
      `--network-namespace-path=/run/netns/${names.ns}`, "-D", root, "-M", names.ns],
    { stdio: ["ignore", consoleFd, consoleFd], env: { ...process.env, SYSTEMD_NSPAWN_API_VFS_WRITABLE: "network" } });
    closeSync(consoleFd);
    const consoleTail = () => readFileSync(join(work, "console.log"), "utf8").split("\n").slice(-25).join("\n");

    const adminPrivateKey = readFileSync(join(work, "admin_key"), "utf8");
    const ssh = (command: string, identity = join(work, "admin_key")) => {
      const run = spawnSync("ssh", ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", `UserKnownHostsFile=${join(work, "known_hosts")}`,
        "-o", "ConnectTimeout=3", "-o", "LogLevel=ERROR", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
        "-i", identity, `root@${address}`, command], { encoding: "utf8" });
      return { code: run.status, stdout: run.stdout.trim(), stderr: run.stderr.trim() };
    };
    const deadline = Date.now() + BOOT_SECONDS * 1000;
    // Ready when SSH answers with the pinned key, as on Hetzner; a container may never
    // reach "running" (some units need kernel features it does not get).
    while (ssh("true").code !== 0) {
      if (nspawn.exitCode !== null) throw new Error(`the test host stopped while booting (exit ${nspawn.exitCode}); its console:\n${consoleTail()}`);
      if (Date.now() > deadline) {
        throw new Error(`the test host did not answer SSH with its pinned key within ${BOOT_SECONDS} s (${ssh("true").stderr}); its console:\n${consoleTail()}`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    const pin = (key: string) => writeFileSync(join(work, "known_hosts"), `${address} ${key}\n`);
    return { address, hostSide, hostname, fqdn, hostPublicKey, pin, adminPrivateKey, adminKeyFile: join(work, "admin_key"), ssh, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
