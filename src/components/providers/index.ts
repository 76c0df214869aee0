import { hetzner } from "./hetzner";
import type { CloudProvider } from "./types";

/** Providers that can create servers, by hostname provider code. */
export const CLOUD_PROVIDERS: Readonly<Record<string, CloudProvider>> = { het: hetzner };

/** The provider of a plan (the validator has already refused any other). */
export function cloudProvider(code: string): CloudProvider {
  const provider = CLOUD_PROVIDERS[code];
  if (!provider) throw new Error(`provider "${code}" cannot provision; implemented: ${Object.keys(CLOUD_PROVIDERS).join(", ")}`);
  return provider;
}
