/** Key types an emergency key may have, with the key length each one's body carries
 *  (OpenSSH sshkey.c: the body is the type name again, then the key material). */
const KEY_TYPES: Record<string, "ed25519" | "ecdsa" | "rsa"> = {
  "ssh-ed25519": "ed25519",
  "sk-ssh-ed25519@openssh.com": "ed25519",
  "ecdsa-sha2-nistp256": "ecdsa",
  "ecdsa-sha2-nistp384": "ecdsa",
  "ecdsa-sha2-nistp521": "ecdsa",
  "sk-ecdsa-sha2-nistp256@openssh.com": "ecdsa",
  "ssh-rsa": "rsa",
};

/** RSA below this is refused (NIST SP 800-57: 2048 bits is the floor until 2030). */
const MIN_RSA_BITS = 2048;

/** A comment reaches a root-owned authorized_keys file and Ansible's variables, so it
 *  is limited to characters that no template language or shell gives a meaning. */
const SAFE_COMMENT = /^[A-Za-z0-9 ._@+=:,/()-]{0,100}$/;

/** Why an OpenSSH public key line is not acceptable, or undefined when it is:
 *  `TYPE BASE64 [COMMENT]`, single spaces, no options, and a body that decodes to
 *  the same type with key material of the right size. */
export function sshPublicKeyProblem(line: string): string | undefined {
  const [type = "", body = "", ...rest] = line.split(" ");
  const comment = rest.join(" ");
  const family = KEY_TYPES[type];
  if (!family) return `key type "${type.slice(0, 40)}" is not accepted; use one of ${Object.keys(KEY_TYPES).join(", ")}`;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) return "the key body is not base64";
  const fields = sshFields(Buffer.from(body, "base64"));
  if (!fields || fields[0]?.toString("latin1") !== type) {
    return `the key body is not a ${type} key (it must decode to the same key type)`;
  }
  const material = keyMaterialProblem(family, fields);
  if (material) return material;
  if (!SAFE_COMMENT.test(comment)) {
    return "the comment may hold only letters, digits, spaces and . _ @ + = : , / ( ) - (at most 100 characters)";
  }
  return undefined;
}

/** The length-prefixed strings of an SSH wire-format blob (RFC 4251 §5); undefined
 *  when the blob does not split exactly into them. */
function sshFields(blob: Buffer): Buffer[] | undefined {
  const fields: Buffer[] = [];
  for (let offset = 0; offset < blob.length;) {
    if (offset + 4 > blob.length) return undefined;
    const length = blob.readUInt32BE(offset);
    if (offset + 4 + length > blob.length) return undefined;
    fields.push(blob.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return fields;
}

function keyMaterialProblem(family: "ed25519" | "ecdsa" | "rsa", fields: Buffer[]): string | undefined {
  if (family === "ed25519") return fields[1]?.length === 32 ? undefined : "the ed25519 key is not 32 bytes";
  if (family === "ecdsa") return fields[2] && fields[2].length > 0 && fields[2][0] === 4 ? undefined : "the ECDSA point is malformed";
  const modulus = fields[2];
  if (!modulus) return "the RSA key has no modulus";
  const bits = (modulus.length - (modulus[0] === 0 ? 1 : 0)) * 8;
  return bits >= MIN_RSA_BITS ? undefined : `the RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are required`;
}
