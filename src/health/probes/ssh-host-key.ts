import { createPublicKey, diffieHellman, generateKeyPairSync, randomBytes } from "node:crypto";
import { connect } from "node:net";
import { withTimeout } from "./tcp";
import {
  exchangeHash, fingerprint, HOST_KEY_ALGORITHM, KEX_ALGORITHMS, kexinit, MSG, packet, Reader, sshString, takePackets, verifyEd25519,
} from "./ssh-wire";

/** What a server proved about itself in a key exchange. */
export interface ServerIdentity {
  /** Its identification line, e.g. `SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3`. */
  readonly banner: string;
  /** `ssh-ed25519 AAAA…`, verified: the server signed the exchange with it. */
  readonly hostKey: string;
  readonly fingerprint: string;
}

const CLIENT_ID = "SSH-2.0-node-fleet-health";

/** The server sent a host key but could not prove it holds it: whoever answers is not
 *  the node, even when the key it shows is the pinned one (anyone can copy a public key). */
export class ForgedSignatureError extends Error {
  constructor(readonly hostKey: string, readonly fingerprint: string) {
    super(`the server presented ${fingerprint} but its signature does not verify with it`);
  }
}

/** Runs the start of an SSH connection (RFC 4253 identification, KEXINIT and a
 *  curve25519-sha256 ECDH exchange) until the server has sent its host key and
 *  signed the exchange hash with it, then hangs up. Reading a key is not enough:
 *  a man in the middle can replay a public key but cannot sign with it. */
export function readServerIdentity(address: string, port: number, timeoutMs: number, onConnect?: () => void): Promise<ServerIdentity> {
  const socket = connect({ host: address, port });
  const work = new Promise<ServerIdentity>((resolve, reject) => {
    const fail = (message: string) => { socket.destroy(); reject(new Error(message)); };
    const ecdh = generateKeyPairSync("x25519");
    const clientPublic = Buffer.from(ecdh.publicKey.export({ format: "jwk" }).x!, "base64url");
    const clientKexinit = kexinit(randomBytes(16), KEX_ALGORITHMS, [HOST_KEY_ALGORITHM]);
    let serverId: string | undefined;
    let serverKexinit: Buffer | undefined;
    let pending: Buffer = Buffer.alloc(0);

    const onPayload = (payload: Buffer) => {
      const reader = new Reader(payload);
      const type = reader.byte();
      if (type === MSG.ignore || type === MSG.debug || type === MSG.unimplemented) return;
      if (type === MSG.disconnect) {
        reader.uint32();
        return fail(`server disconnected: ${reader.string().toString("utf8")}`);
      }
      if (type === MSG.kexinit && !serverKexinit) {
        serverKexinit = payload;
        reader.bytes(16);
        const kex = reader.nameList();
        const hostKeys = reader.nameList();
        if (!KEX_ALGORITHMS.some((a) => kex.includes(a))) return fail(`server offers no curve25519 key exchange (offers ${kex.join(",")})`);
        if (!hostKeys.includes(HOST_KEY_ALGORITHM)) return fail(`server has no ${HOST_KEY_ALGORITHM} host key (offers ${hostKeys.join(",")})`);
        socket.write(packet(Buffer.concat([Buffer.from([MSG.ecdhInit]), sshString(clientPublic)])));
        return;
      }
      if (type === MSG.ecdhReply && serverKexinit && serverId) {
        const hostKeyBlob = reader.string();
        const serverPublic = reader.string();
        const signature = reader.string();
        if (serverPublic.length !== 32) return fail("server sent a malformed curve25519 key");
        const shared = diffieHellman({
          privateKey: ecdh.privateKey,
          publicKey: createPublicKey({ key: { kty: "OKP", crv: "X25519", x: serverPublic.toString("base64url") }, format: "jwk" }),
        });
        const hash = exchangeHash({ clientId: CLIENT_ID, serverId, clientKexinit, serverKexinit, hostKeyBlob, clientPublic, serverPublic, shared });
        if (!verifyEd25519(hostKeyBlob, signature, hash)) {
          socket.destroy();
          return reject(new ForgedSignatureError(`${HOST_KEY_ALGORITHM} ${hostKeyBlob.toString("base64")}`, fingerprint(hostKeyBlob)));
        }
        socket.destroy();
        resolve({ banner: serverId, hostKey: `${HOST_KEY_ALGORITHM} ${hostKeyBlob.toString("base64")}`, fingerprint: fingerprint(hostKeyBlob) });
        return;
      }
      fail(`unexpected SSH message ${type} during key exchange`);
    };

    socket.on("connect", () => { onConnect?.(); socket.write(`${CLIENT_ID}\r\n`); });
    socket.on("data", (chunk: Buffer) => {
      try {
        pending = Buffer.concat([pending, chunk]);
        while (serverId === undefined) {
          const eol = pending.indexOf(0x0a);
          if (eol < 0) {
            if (pending.length > 8192) fail("no SSH identification line in the first 8 KiB");
            return;
          }
          const line = pending.subarray(0, eol).toString("latin1").replace(/\r$/, "");
          pending = pending.subarray(eol + 1);
          // RFC 4253 §4.2: a server may send other lines before its identification.
          if (line.startsWith("SSH-")) {
            if (!/^SSH-(2\.0|1\.99)-/.test(line)) return fail(`not an SSH 2 server: ${line.slice(0, 80)}`);
            serverId = line;
            socket.write(packet(clientKexinit));
          }
        }
        const { payloads, rest } = takePackets(pending);
        pending = rest;
        for (const payload of payloads) onPayload(payload);
      } catch (err) {
        fail((err as Error).message);
      }
    });
    socket.on("error", (err: NodeJS.ErrnoException) => fail(err.code === "ECONNREFUSED" ? "refused" : err.code ?? err.message));
    socket.on("close", () => fail(serverId ? "server closed the connection during key exchange" : "server closed the connection before identifying itself"));
  });
  return withTimeout(work, timeoutMs, () => socket.destroy());
}

/** Whether two OpenSSH public key lines name the same key (type and blob; comments differ). */
export function sameHostKey(a: string, b: string): boolean {
  const [typeA, blobA] = a.trim().split(/\s+/);
  const [typeB, blobB] = b.trim().split(/\s+/);
  return typeA === typeB && blobA === blobB && blobA !== undefined;
}
