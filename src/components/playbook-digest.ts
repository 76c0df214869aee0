import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** A digest of every file under a directory (names and contents, in sorted order), so
 *  that any change to the playbooks re-runs provisioning and nothing else does. */
export function directoryDigest(dir: string): string {
  const hash = createHash("sha256");
  const walk = (current: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(current).sort();
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry === "__pycache__" || entry.endsWith(".retry") || entry.endsWith(".pyc")) continue;
      const path = join(current, entry);
      if (statSync(path).isDirectory()) {
        walk(path);
      } else {
        hash.update(`${relative(dir, path)}\0`).update(readFileSync(path)).update("\0");
      }
    }
  };
  walk(dir);
  return hash.digest("hex");
}
