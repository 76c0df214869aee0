import type { MachineOperations } from "./recovery";
import type { ProviderLedger } from "./budgets";
import type { ServerActivity } from "./second-opinion";
import { requestFailure } from "../source/request-failure";
import { RECOVERY_SNAPSHOT_DESCRIPTION, SNAPSHOT_NODE_LABEL, type RecoverySnapshot, type SnapshotStore } from "./snapshot-retention";

/** The few Hetzner Cloud API calls recovery needs (docs.hetzner.cloud): find a
 *  server by name, reset it (power-cycle), and take a snapshot, each waiting for
 *  the returned action to finish; list and delete recovery's old snapshots. The token comes from the environment only. */
export interface HetznerOptions {
  readonly token: string;
  /** `https://api.hetzner.cloud/v1`; a local server in tests. */
  readonly baseUrl?: string;
  readonly pollMs?: number;
  /** Longest wait for an action (a snapshot of a large disk takes minutes). */
  readonly actionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
}

export interface HetznerServer {
  readonly id: number;
  readonly name: string;
  readonly status: string;
  readonly created: string;
  readonly protection: { readonly delete: boolean; readonly rebuild: boolean };
}

interface Action {
  readonly id: number;
  readonly status: "running" | "success" | "error";
  readonly error?: { code: string; message: string } | null;
}

/** An action as `GET /servers/{id}/actions` lists it (hcloud-go hcloud/schema/action.go Action), the parts read. */
interface ServerAction {
  readonly command: string;
  readonly status: string;
  readonly started: string;
}

/** An image as `GET /images` lists it (hcloud-go hcloud/schema/image.go Image), the parts read. */
interface Image {
  readonly id: number;
  readonly status: string;
  readonly description: string;
  readonly created: string | null;
  readonly created_from: { readonly id: number; readonly name: string } | null;
  readonly labels?: Record<string, string>;
  readonly protection?: { readonly delete: boolean };
}

/** How far back the provider's view of a server's traffic looks before a destructive step. */
const ACTIVITY_MINUTES = 10;

/** Pages a list stops after: 100 pages of 50 images is more than a project holds. */
const MAX_PAGES = 100;

export class HetznerError extends Error {}

export class HetznerClient implements MachineOperations, SnapshotStore {
  private readonly base: string;
  constructor(private readonly opts: HetznerOptions) {
    this.base = (opts.baseUrl ?? "https://api.hetzner.cloud/v1").replace(/\/$/, "");
  }

  /** `GET /servers?name=` — names are unique per project. */
  async serverByName(name: string): Promise<HetznerServer> {
    const body = await this.call<{ servers: HetznerServer[] }>("GET", `/servers?name=${encodeURIComponent(name)}`);
    const server = body.servers[0];
    if (!server) throw new HetznerError(`Hetzner has no server named ${name}`);
    return server;
  }

  async rebuildProtected(name: string): Promise<boolean> {
    return (await this.serverByName(name)).protection.rebuild;
  }

  /** `POST /servers/{id}/actions/reset`: cuts power and starts the server again. */
  async powerCycle(name: string): Promise<string> {
    const server = await this.serverByName(name);
    const { action } = await this.call<{ action: Action }>("POST", `/servers/${server.id}/actions/reset`);
    await this.waitFor(action);
    return `reset server ${server.id} (action ${action.id})`;
  }

  /** The server's status (`GET /servers?name=`) and the packets it sent per second over
   *  the last ACTIVITY_MINUTES (`GET /servers/{id}/metrics?type=network`, one sample a
   *  minute: `metrics.time_series["network.0.pps.out"].values` as [unix time, "value"]). */
  async activity(name: string): Promise<ServerActivity> {
    const server = await this.serverByName(name);
    if (server.status !== "running") return { status: server.status, minutes: ACTIVITY_MINUTES, packetsOutPerSecond: [] };
    const end = new Date();
    const start = new Date(end.getTime() - ACTIVITY_MINUTES * 60_000);
    const body = await this.call<{ metrics?: { time_series?: Record<string, { values?: [number, string][] }> } }>("GET",
      `/servers/${server.id}/metrics?type=network&start=${encodeURIComponent(start.toISOString())}&end=${encodeURIComponent(end.toISOString())}&step=60`);
    const values = body.metrics?.time_series?.["network.0.pps.out"]?.values ?? [];
    return { status: server.status, minutes: ACTIVITY_MINUTES, packetsOutPerSecond: values.map(([, value]) => Number(value)) };
  }

  /** `POST /servers/{id}/actions/create_image` with `type: snapshot`; waits until
   *  the snapshot is complete, because a rebuild must never start before it is. */
  async snapshot(name: string, description: string, labels: Record<string, string>): Promise<string> {
    const server = await this.serverByName(name);
    const body = await this.call<{ action: Action; image: { id: number } }>("POST", `/servers/${server.id}/actions/create_image`,
      { type: "snapshot", description, labels });
    await this.waitFor(body.action);
    return `snapshot image ${body.image.id} of server ${server.id}`;
  }

  /** Recovery's complete snapshots, each with the node it was taken of. */
  async recoverySnapshots(): Promise<RecoverySnapshot[]> {
    // A snapshot still being taken is not the way back yet; a protected one someone kept on purpose.
    return (await this.recoveryImages()).filter(({ image }) => image.status === "available" && !image.protection?.delete)
      .map(({ image, hostname, created }) => ({ id: image.id, hostname, created }));
  }

  /** What Hetzner recorded of recovery since `since`: the resets of the node's server
   *  (`GET /servers/{id}/actions?sort=started:desc`, paged until older actions) and every
   *  recovery snapshot, each taken right before a rebuild, whatever its state now. */
  async ledger(name: string, since: number): Promise<ProviderLedger> {
    const server = await this.serverByName(name);
    const resets: number[] = [];
    for (let page = 1, n = 0; page && n < MAX_PAGES; n++) {
      const body = await this.call<{ actions: ServerAction[]; meta?: { pagination?: { next_page?: number | null } } }>("GET",
        `/servers/${server.id}/actions?sort=${encodeURIComponent("started:desc")}&page=${page}&per_page=50`);
      const recent = body.actions.filter((a) => Date.parse(a.started) > since);
      resets.push(...recent.filter((a) => a.command === "reset_server" && a.status !== "error").map((a) => Date.parse(a.started)));
      page = recent.length < body.actions.length ? 0 : body.meta?.pagination?.next_page ?? 0;
    }
    const rebuilds = (await this.recoveryImages()).filter((i) => i.created > since).map((i) => ({ hostname: i.hostname, at: i.created }));
    return { resets, rebuilds };
  }

  /** Recovery's snapshots in any state (`GET /images?type=snapshot&label_selector=managed-by=node-fleet`,
   *  every page, as hcloud-go hcloud/image.go ImageClient.AllWithOpts reads them through
   *  iterPages), each with the node it was taken of. */
  private async recoveryImages(): Promise<{ image: Image; hostname: string; created: number }[]> {
    const found: { image: Image; hostname: string; created: number }[] = [];
    for (let page = 1, n = 0; page && n < MAX_PAGES; n++) {
      const body = await this.call<{ images: Image[]; meta?: { pagination?: { next_page?: number | null } } }>("GET",
        `/images?type=snapshot&label_selector=${encodeURIComponent("managed-by=node-fleet")}&page=${page}&per_page=50`);
      for (const image of body.images) {
        const hostname = image.labels?.[SNAPSHOT_NODE_LABEL] ?? image.created_from?.name;
        const created = image.created ? Date.parse(image.created) : NaN;
        if (image.description.startsWith(`${RECOVERY_SNAPSHOT_DESCRIPTION} `) && hostname && !Number.isNaN(created)) found.push({ image, hostname, created });
      }
      page = body.meta?.pagination?.next_page ?? 0;
    }
    return found;
  }

  /** `DELETE /images/{id}` (hcloud-go hcloud/image.go ImageClient.Delete: 204, no body). */
  async deleteSnapshot(id: number): Promise<void> {
    await this.call("DELETE", `/images/${id}`);
  }

  private async waitFor(first: Action): Promise<void> {
    const deadline = Date.now() + (this.opts.actionTimeoutMs ?? 30 * 60_000);
    let action = first;
    while (action.status === "running") {
      if (Date.now() > deadline) throw new HetznerError(`action ${action.id} still running after ${Math.round((this.opts.actionTimeoutMs ?? 1_800_000) / 1000)} s`);
      await new Promise((r) => setTimeout(r, this.opts.pollMs ?? 2000));
      action = (await this.call<{ action: Action }>("GET", `/actions/${action.id}`)).action;
    }
    if (action.status === "error") throw new HetznerError(`action ${action.id} failed: ${action.error?.message ?? "unknown error"}`);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.opts.token}`, ...(body ? { "content-type": "application/json" } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.opts.requestTimeoutMs ?? 30_000),
      });
    } catch (err) {
      throw new HetznerError(`Hetzner API ${method} ${path.split("?")[0]}: ${requestFailure(err)}`);
    }
    const text = await res.text();
    let data: unknown;
    try { data = JSON.parse(text); } catch { data = undefined; }
    if (!res.ok) {
      const error = (data as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new HetznerError(`Hetzner API ${method} ${path.split("?")[0]}: HTTP ${res.status}${error ? ` ${error.code}: ${error.message}` : ""}`);
    }
    return data as T;
  }
}
