/** Hetzner Cloud's API budget: 3,600 requests an hour per project, refilled one a second
 *  (docs.hetzner.cloud "Rate Limiting"). */
export const HETZNER_REQUESTS_PER_HOUR = 3600;

/** How the provider waits for an action: the provider config `hcloud:pollFunction` and
 *  `hcloud:pollInterval` (terraform-provider-hcloud hcloud/provider.go providerConfigure:
 *  exponential → hcloud-go ExponentialBackoff(2, interval) capped at 60s; constant →
 *  ConstantBackoff(interval)). */
export interface PollSettings {
  readonly fn: "exponential" | "constant";
  readonly intervalSeconds: number;
}

/** Seconds Hetzner typically takes for the actions of one node, rounded up: what the
 *  provider polls for. */
export const ACTION_SECONDS = { createServer: 60, startServer: 10, changeProtection: 2, changeDnsPtr: 5 } as const;

/** Polls hcloud-go's ActionClient.WaitForFunc makes for an action that takes `seconds`:
 *  it sleeps backoff(retries) before each poll, and polls at least once. */
export function pollsFor(seconds: number, poll: PollSettings): number {
  let waited = 0;
  let polls = 0;
  do {
    waited += poll.fn === "constant" ? poll.intervalSeconds : Math.min(60, poll.intervalSeconds * 2 ** polls);
    polls += 1;
  } while (waited < seconds);
  return polls;
}

/** API requests of one node's first deploy, following the provider's create functions
 *  (terraform-provider-hcloud v1.68.0): internal/sshkey Create (1); internal/firewall
 *  resourceFirewallCreate (create, read); internal/server resourceServerCreate (server
 *  type, image, one SSH key, create, wait for the create and start actions, protection
 *  when protected and its wait, read); internal/primaryip Resource.Create twice (create
 *  with a location, which settles no action; protection when protected and its wait;
 *  read); internal/rdns Create twice (the Primary IP, change_dns_ptr, wait). The node
 *  steps call the API only when a server is resized. */
export function requestsPerNode(poll: PollSettings, protect: boolean): number {
  const sshKey = 1;
  const firewall = 2;
  const primaryIps = 2 * (2 + (protect ? 1 + pollsFor(ACTION_SECONDS.changeProtection, poll) : 0));
  const server = 4 + pollsFor(ACTION_SECONDS.createServer, poll) + pollsFor(ACTION_SECONDS.startServer, poll)
    + (protect ? 1 + pollsFor(ACTION_SECONDS.changeProtection, poll) : 0) + 1;
  const rdns = 2 * (2 + pollsFor(ACTION_SECONDS.changeDnsPtr, poll));
  return sshKey + firewall + primaryIps + server + rdns;
}

/** Requests of a first deploy of `nodes` protected nodes. */
export function firstDeployRequests(nodes: number, poll: PollSettings): number {
  return nodes * requestsPerNode(poll, true);
}
