/** What a second path says about a node the checker found dead, right before a
 *  power-cycle or rebuild: only `down` lets the step run. `alive` is evidence the node
 *  works and the first path is what failed; `unsure` means nothing confirmed either way
 *  (no second path, an identity that is not the pinned one, the provider not answering). */
export type SecondOpinion = { readonly down: string } | { readonly alive: string } | { readonly unsure: string };

/** What the provider sees of a server: its power status and the packets it sent per
 *  second over the last minutes (Hetzner: `GET /servers/{id}/metrics?type=network`,
 *  series `network.0.pps.out`), one value a sample. */
export interface ServerActivity {
  readonly status: string;
  readonly minutes: number;
  readonly packetsOutPerSecond: readonly number[];
}

/** Below this average a running server sends nothing of its own: a working Debian node
 *  sends its time sync, DNS lookups, mail and answers well above it. */
export const SILENT_PACKETS_PER_SECOND = 1;

/** The provider's view as a second opinion, for a node with no second address of its
 *  own. The hypervisor counts the server's packets whatever the checker's network does,
 *  so a server that is off, or running but silent, is down; one that keeps sending is
 *  alive and unreachable only from here; no samples confirm nothing. */
export function judgeServerActivity(activity: ServerActivity): SecondOpinion {
  if (activity.status !== "running") return { down: `Hetzner reports the server ${activity.status}` };
  const samples = activity.packetsOutPerSecond.filter((v) => Number.isFinite(v));
  if (samples.length === 0) return { unsure: `Hetzner has no network samples of the server for the last ${activity.minutes} minutes` };
  const average = samples.reduce((a, b) => a + b, 0) / samples.length;
  const rate = `${average.toFixed(1)} packets/s sent on average over the last ${activity.minutes} minutes (Hetzner's metrics)`;
  return average < SILENT_PACKETS_PER_SECOND ? { down: `the server runs but is silent: ${rate}` } : { alive: `the server is sending: ${rate}` };
}
