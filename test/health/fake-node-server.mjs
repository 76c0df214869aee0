// Loopback stand-ins for fleet nodes, run as a child process so the checker under
// test has the event loop to itself. Written in plain JavaScript and independently
// of src/health: the SSH server side here (RFC 4253 identification and KEXINIT,
// RFC 8731 curve25519-sha256, RFC 8709 ssh-ed25519 signature) shares no code with
// the client it tests, so an encoding bug cannot cancel itself out.
//
// Input (stdin, JSON): { nodes: [{ address, mode, hostKeyPem, signKeyPem?, cert, key,
//   panel?: { user, password, version } }] }
// mode: "ok" | "hang" (accept, never answer) | "not-ssh" (port 22 speaks HTTP)
// Prints "ready" once every listener is bound, then "credentials <address>" for every
// request that carried an Authorization header (what a test asserts was never sent).
import { createHash, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { createServer as createHttps } from "node:https";
import { createServer as createNet } from "node:net";

const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
const str = (v) => { const b = Buffer.isBuffer(v) ? v : Buffer.from(v); return Buffer.concat([u32(b.length), b]); };
const mpint = (b) => { let i = 0; while (i < b.length && b[i] === 0) i++; let d = b.subarray(i); if (d.length && d[0] & 0x80) d = Buffer.concat([Buffer.from([0]), d]); return str(d); };
const frame = (payload) => {
  let pad = 8 - ((payload.length + 5) % 8); if (pad < 4) pad += 8;
  return Buffer.concat([u32(payload.length + pad + 1), Buffer.from([pad]), payload, randomBytes(pad)]);
};
const SERVER_ID = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3";

function sshServer(hostKey, signKey) {
  const raw = Buffer.from(createPublicKey(hostKey).export({ format: "jwk" }).x, "base64url");
  const hostKeyBlob = Buffer.concat([str("ssh-ed25519"), str(raw)]);
  const names = ["curve25519-sha256,curve25519-sha256@libssh.org,diffie-hellman-group14-sha256", "rsa-sha2-512,ecdsa-sha2-nistp256,ssh-ed25519",
    "chacha20-poly1305@openssh.com,aes128-ctr", "chacha20-poly1305@openssh.com,aes128-ctr", "hmac-sha2-256", "hmac-sha2-256", "none,zlib@openssh.com", "none,zlib@openssh.com", "", ""];
  return (socket) => {
    socket.on("error", () => {});
    const serverKexinit = Buffer.concat([Buffer.from([20]), randomBytes(16), ...names.map(str), Buffer.from([0, 0, 0, 0, 0])]);
    socket.write(`${SERVER_ID}\r\n`);
    let buf = Buffer.alloc(0);
    let clientId;
    let clientKexinit;
    socket.on("data", (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (clientId === undefined) {
        const eol = buf.indexOf(0x0a);
        if (eol < 0) return;
        clientId = buf.subarray(0, eol).toString("latin1").replace(/\r$/, "");
        buf = buf.subarray(eol + 1);
        socket.write(frame(serverKexinit));
      }
      while (buf.length >= 5 && buf.length >= buf.readUInt32BE(0) + 4) {
        const len = buf.readUInt32BE(0);
        const payload = buf.subarray(5, 4 + len - buf[4]);
        buf = buf.subarray(len + 4);
        if (payload[0] === 20) clientKexinit = payload;
        if (payload[0] === 30) {
          const qc = payload.subarray(5, 5 + payload.readUInt32BE(1));
          const eph = generateKeyPairSync("x25519");
          const qs = Buffer.from(eph.publicKey.export({ format: "jwk" }).x, "base64url");
          const k = diffieHellman({ privateKey: eph.privateKey, publicKey: createPublicKey({ key: { kty: "OKP", crv: "X25519", x: qc.toString("base64url") }, format: "jwk" }) });
          const h = createHash("sha256").update(Buffer.concat([str(clientId), str(SERVER_ID), str(clientKexinit), str(serverKexinit), str(hostKeyBlob), str(qc), str(qs), mpint(k)])).digest();
          const sig = Buffer.concat([str("ssh-ed25519"), str(sign(null, h, signKey))]);
          socket.write(frame(Buffer.concat([Buffer.from([31]), str(hostKeyBlob), str(qs), str(sig)])));
        }
      }
    });
  };
}

function listen(server, address, port) {
  return new Promise((resolve, reject) => { server.once("error", reject); server.listen({ host: address, port, backlog: 4096 }, resolve); });
}

function panelHandler(panel, address) {
  return (req, res) => {
    if (req.headers.authorization !== undefined) process.stdout.write(`credentials ${address}\n`);
    const url = new URL(req.url, "https://x");
    if (url.pathname !== "/virtual-server/remote.cgi") { res.writeHead(200); return res.end("Webmin"); }
    const expected = `Basic ${Buffer.from(`${panel?.user}:${panel?.password}`).toString("base64")}`;
    if (!panel || req.headers.authorization !== expected) { res.writeHead(401, { "www-authenticate": 'Basic realm="Webmin Server"' }); return res.end("Unauthorized"); }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(url.searchParams.get("program") === "info"
      ? { command: "info", status: "success", output: `host:\n    hostname: node\n    virtualmin version: ${panel.version}\n    webmin version: 2.105\n` }
      : { status: "error", error: "Unknown program" }));
  };
}

async function start(node) {
  const hang = () => createNet((s) => { s.on("error", () => {}); });
  const tlsOpts = { cert: node.cert, key: node.key };
  const hostKey = createPrivateKey(node.hostKeyPem);
  const servers = node.mode === "hang"
    ? [hang(), hang(), hang(), hang()]
    : [
      node.mode === "not-ssh" ? createNet((s) => { s.on("error", () => {}); s.end("HTTP/1.1 400 Bad Request\r\n\r\n"); }) : createNet(sshServer(hostKey, node.signKeyPem ? createPrivateKey(node.signKeyPem) : hostKey)),
      createNet((s) => { s.on("error", () => {}); s.end("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"); }),
      createHttps(tlsOpts, (_req, res) => { res.writeHead(200); res.end("site"); }),
      createHttps(tlsOpts, panelHandler(node.panel, node.address)),
    ];
  const ports = node.ports ?? [22, 80, 443, 10000];
  await Promise.all(servers.map((s, i) => listen(s, node.address, ports[i])));
}

let input = "";
process.stdin.on("data", (c) => { input += c; });
process.stdin.on("end", async () => {
  const { nodes } = JSON.parse(input);
  for (let i = 0; i < nodes.length; i += 200) await Promise.all(nodes.slice(i, i + 200).map(start));
  process.stdout.write("ready\n");
});
