import type { HealthEvent } from "../events/health-event";
import type { NodeRecord } from "./model";

/** How recovery describes the snapshot it takes before a rebuild (then the incident id):
 *  what marks a snapshot as recovery's own, with the `managed-by: node-fleet` label. */
export const RECOVERY_SNAPSHOT_DESCRIPTION = "node-fleet recovery";

/** The label that names the node a recovery snapshot was taken of. Snapshots taken before
 *  it existed are matched by the server they were created from, which carries the node's
 *  name (the image's `created_from.name`). */
export const SNAPSHOT_NODE_LABEL = "node-fleet-node";

/** A snapshot recovery took of a node before rebuilding it (src/health/recovery.ts). */
export interface RecoverySnapshot {
  readonly id: number;
  readonly hostname: string;
  /** Milliseconds since the epoch. */
  readonly created: number;
}

/** Where recovery snapshots are listed and deleted (src/health/hetzner.ts). */
export interface SnapshotStore {
  /** Complete recovery snapshots of every node; ones still being taken are left out. */
  recoverySnapshots(): Promise<RecoverySnapshot[]>;
  deleteSnapshot(id: number): Promise<void>;
}

const DAY = 24 * 60 * 60_000;

/** Which recovery snapshots go. A snapshot is the way back from a rebuild that went
 *  wrong, and only a node's newest is the state it was rebuilt from: every older one goes
 *  at once, and the newest too once it is older than `keepDays` (stack setting
 *  `recoverySnapshotDays`), by when the rebuilt node has proved itself and its off-node
 *  backups have taken over. Hetzner bills each snapshot by size every month. Pure. */
export function snapshotsToDelete(snapshots: readonly RecoverySnapshot[], now: number, keepDays: number): RecoverySnapshot[] {
  const newest = new Map<string, RecoverySnapshot>();
  for (const s of snapshots) {
    const known = newest.get(s.hostname);
    if (!known || s.created > known.created || (s.created === known.created && s.id > known.id)) newest.set(s.hostname, s);
  }
  return snapshots.filter((s) => newest.get(s.hostname) !== s || now - s.created > keepDays * DAY)
    .sort((a, b) => a.hostname.localeCompare(b.hostname) || a.created - b.created);
}

/** What one pass did for one node: deleted, kept, and the deletions that failed. */
export interface NodePrune {
  readonly hostname: string;
  readonly deleted: readonly RecoverySnapshot[];
  readonly kept?: RecoverySnapshot;
  readonly failed: readonly string[];
}

/** Deletes the snapshots `snapshotsToDelete` names, one at a time (each is one API
 *  request), and says per node what went, what stays and until when. */
export async function pruneRecoverySnapshots(store: SnapshotStore, now: number, keepDays: number): Promise<NodePrune[]> {
  const all = await store.recoverySnapshots();
  const doomed = snapshotsToDelete(all, now, keepDays);
  const byNode = new Map<string, { deleted: RecoverySnapshot[]; failed: string[] }>();
  for (const s of doomed) {
    const entry = byNode.get(s.hostname) ?? { deleted: [], failed: [] };
    byNode.set(s.hostname, entry);
    try {
      await store.deleteSnapshot(s.id);
      entry.deleted.push(s);
    } catch (err) {
      entry.failed.push(`snapshot ${s.id}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return [...byNode].map(([hostname, { deleted, failed }]) => {
    const kept = all.find((s) => s.hostname === hostname && !doomed.includes(s));
    return { hostname, deleted, failed, ...(kept ? { kept } : {}) };
  });
}

/** One line for the node's incident. */
export function describePrune(p: NodePrune, keepDays: number): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const parts = [
    ...(p.deleted.length > 0 ? [`deleted recovery snapshot${p.deleted.length > 1 ? "s" : ""} ${p.deleted.map((s) => `${s.id} (taken ${day(s.created)})`).join(", ")}`] : []),
    ...(p.kept ? [`kept the newest, ${p.kept.id}, until ${day(p.kept.created + keepDays * DAY)}`] : []),
    ...(p.failed.length > 0 ? [`could not delete ${p.failed.join("; ")}`] : []),
  ];
  return parts.join("; ");
}

/** Says on each node's incident what its pass deleted (the open one, else the last one
 *  closed: the incident whose rebuild took the snapshot, or a later one), and records a
 *  `snapshots.deleted` event with the incident's ids. A pass that deleted nothing and
 *  failed nothing says nothing. Pure. */
export function recordPrunes(records: readonly NodeRecord[], prunes: readonly NodePrune[], now: number, keepDays: number): { records: NodeRecord[]; events: HealthEvent[] } {
  const events: HealthEvent[] = [];
  const byHost = new Map(prunes.filter((p) => p.deleted.length > 0 || p.failed.length > 0).map((p) => [p.hostname, p]));
  const updated = records.map((r) => {
    const p = byHost.get(r.hostname);
    if (!p) return r;
    byHost.delete(r.hostname);
    const note = describePrune(p, keepDays);
    const incident = r.incident ?? r.history.at(-1);
    events.push({ type: "snapshots.deleted", at: now, hostname: r.hostname, message: note, ok: p.failed.length === 0,
      ...(incident ? { incidentId: incident.id, correlationId: incident.correlationId, kind: incident.kind } : {}) });
    if (!incident) return r;
    const noted = { ...incident, seen: [...incident.seen, note] };
    return r.incident ? { ...r, incident: noted } : { ...r, history: [...r.history.slice(0, -1), noted] };
  });
  // Snapshots of nodes the health state no longer knows (removed from the fleet long ago).
  for (const p of byHost.values()) {
    events.push({ type: "snapshots.deleted", at: now, hostname: p.hostname, message: describePrune(p, keepDays), ok: p.failed.length === 0 });
  }
  return { records: updated, events };
}
