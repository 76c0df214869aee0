import { issueAt, type Issue } from "../../source/issues";
import type { FleetNode } from "../load";
import { list, nameOf, type RuleContext } from "./context";

/** The provider must be in the catalog and one node-fleet can provision with today. */
export function providerProvisions(node: FleetNode, { catalog }: RuleContext): Issue[] {
  const name = nameOf(node);
  if (!name) return [];
  const provider = catalog.provider(name.provider);
  const provisioning = list(catalog.provisioningProviders().map((p) => p.code));
  if (provider?.provisions) return [];
  const message = provider
    ? `provider "${name.provider}" (${provider.name}) cannot be provisioned yet; only ${provisioning} provisions today`
    : `provider "${name.provider}" is not known; known: ${list(catalog.providers().map((p) => p.code))}; provisioning: ${provisioning}`;
  return [issueAt(node.namePos(name.offsets.provider), "provider-provisions", message)];
}
