import type { HealthEvent } from "../events/health-event";

/** A place messages go. `describe` never contains a secret. */
export interface Channel {
  readonly describe: string;
  send(event: HealthEvent, text: string): Promise<void>;
}
