import { createHash, createPublicKey, verify } from "node:crypto";

/** SSH binary encodings (RFC 4251 §5) and the unencrypted packet framing used
 *  before the first NEWKEYS (RFC 4253 §6), enough to run a key exchange. */
export const MSG = { disconnect: 1, ignore: 2, unimplemented: 3, debug: 4, kexinit: 20, ecdhInit: 30, ecdhReply: 31 } as const;

export function sshString(value: Buffer | string): Buffer {
  const body = typeof value === "string" ? Buffer.from(value) : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

/** An unsigned big-endian integer as an mpint: no leading zeros, a zero byte added
 *  when the top bit is set so it does not read as negative. */
export function sshMpint(unsigned: Buffer): Buffer {
  let start = 0;
  while (start < unsigned.length && unsigned[start] === 0) start++;
  const digits = unsigned.subarray(start);
  return sshString(digits.length > 0 && digits[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), digits]) : digits);
}

/** Frames a payload as a packet: length, padding length, payload, 4–11 bytes of
 *  padding so the whole is a multiple of 8. */
export function packet(payload: Buffer): Buffer {
  let padding = 8 - ((payload.length + 5) % 8);
  if (padding < 4) padding += 8;
  const head = Buffer.alloc(5);
  head.writeUInt32BE(payload.length + padding + 1);
  head.writeUInt8(padding, 4);
  return Buffer.concat([head, payload, Buffer.alloc(padding)]);
}

/** Reads fields of a payload in order. */
export class Reader {
  private offset = 0;
  constructor(private readonly buf: Buffer) {}
  byte(): number {
    if (this.offset >= this.buf.length) throw new Error("truncated SSH message");
    return this.buf[this.offset++]!;
  }
  uint32(): number {
    if (this.offset + 4 > this.buf.length) throw new Error("truncated SSH message");
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  bytes(n: number): Buffer {
    if (this.offset + n > this.buf.length) throw new Error("truncated SSH message");
    const v = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }
  string(): Buffer {
    return this.bytes(this.uint32());
  }
  nameList(): string[] {
    const text = this.string().toString("latin1");
    return text === "" ? [] : text.split(",");
  }
}

/** Splits complete packets off the front of a buffer; returns their payloads and the rest. */
export function takePackets(buf: Buffer): { payloads: Buffer[]; rest: Buffer } {
  const payloads: Buffer[] = [];
  let offset = 0;
  while (buf.length - offset >= 5) {
    const length = buf.readUInt32BE(offset);
    if (length > 256 * 1024 || length < 5) throw new Error(`bad SSH packet length ${length}`);
    if (buf.length - offset < length + 4) break;
    const padding = buf[offset + 4]!;
    payloads.push(buf.subarray(offset + 5, offset + 4 + length - padding));
    offset += length + 4;
  }
  return { payloads, rest: buf.subarray(offset) };
}

/** Key exchange algorithms both sides run here (RFC 8731). */
export const KEX_ALGORITHMS = ["curve25519-sha256", "curve25519-sha256@libssh.org"];
/** The host key algorithm we verify: node-fleet pins ED25519 host keys. */
export const HOST_KEY_ALGORITHM = "ssh-ed25519";

/** A KEXINIT payload (RFC 4253 §7.1). Cipher and MAC lists are never used, since
 *  the connection ends after the server has signed the exchange, but must overlap
 *  with the server's for it to proceed. */
export function kexinit(cookie: Buffer, kex: readonly string[], hostKey: readonly string[]): Buffer {
  const ciphers = "chacha20-poly1305@openssh.com,aes128-ctr,aes256-gcm@openssh.com";
  const macs = "hmac-sha2-256-etm@openssh.com,hmac-sha2-256";
  return Buffer.concat([
    Buffer.from([MSG.kexinit]), cookie,
    ...[kex.join(","), hostKey.join(","), ciphers, ciphers, macs, macs, "none", "none", "", ""].map((s) => sshString(s)),
    Buffer.from([0, 0, 0, 0, 0]),
  ]);
}

/** The exchange hash H of curve25519-sha256 (RFC 8731 §3.1, RFC 5656 §4). */
export function exchangeHash(parts: {
  clientId: string; serverId: string; clientKexinit: Buffer; serverKexinit: Buffer;
  hostKeyBlob: Buffer; clientPublic: Buffer; serverPublic: Buffer; shared: Buffer;
}): Buffer {
  return createHash("sha256").update(Buffer.concat([
    sshString(parts.clientId), sshString(parts.serverId), sshString(parts.clientKexinit), sshString(parts.serverKexinit),
    sshString(parts.hostKeyBlob), sshString(parts.clientPublic), sshString(parts.serverPublic), sshMpint(parts.shared),
  ])).digest();
}

/** Checks an ssh-ed25519 signature blob over H made with the host key blob (RFC 8709). */
export function verifyEd25519(hostKeyBlob: Buffer, signatureBlob: Buffer, hash: Buffer): boolean {
  const key = new Reader(hostKeyBlob);
  const sig = new Reader(signatureBlob);
  if (key.string().toString() !== HOST_KEY_ALGORITHM || sig.string().toString() !== HOST_KEY_ALGORITHM) return false;
  const publicKey = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: key.string().toString("base64url") }, format: "jwk" });
  return verify(null, hash, publicKey, sig.string());
}

/** `SHA256:…` as `ssh-keygen -l` prints it. */
export function fingerprint(hostKeyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(hostKeyBlob).digest("base64").replace(/=+$/, "")}`;
}
