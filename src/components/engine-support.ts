import * as pulumi from "@pulumi/pulumi";
import { SupportsFeatureRequest } from "@pulumi/pulumi/proto/resource_pb";

/** The first Pulumi CLI whose engine honours the replacementTrigger resource option
 *  (pulumi pkg/resource/deploy/source_eval.go SupportsFeature "replacementTrigger",
 *  added in v3.208.0). Pulumi.yaml's requiredPulumiVersion states the same range. */
export const MINIMUM_PULUMI_VERSION = "3.208.0";

/** gRPC's UNIMPLEMENTED: an engine so old it cannot even be asked. */
const UNIMPLEMENTED = 12;

/** Stops the run before anything is declared when the engine would drop replacementTrigger:
 *  a `rebuild` bump would then silently re-provision the old server instead. CLIs from
 *  3.219.0 check Pulumi.yaml's range themselves; older ones ignore that field, so the
 *  program asks the engine. Under mocks (no engine) there is nothing to ask. */
export async function requireRebuildSupport(): Promise<void> {
  const monitor = pulumi.runtime.getMonitor();
  if (!monitor) return;
  const request = new SupportsFeatureRequest();
  request.setId("replacementTrigger");
  const supported = await new Promise<boolean>((resolve, reject) => {
    monitor.supportsFeature(request, (err, response) => {
      if (err) {
        if (err.code === UNIMPLEMENTED) resolve(false);
        else reject(err);
      } else {
        resolve(response.getHassupport());
      }
    });
  });
  if (!supported) {
    throw new pulumi.RunError(`this Pulumi CLI ignores the replacementTrigger option, so bumping a node's rebuild ` +
      `would not rebuild its server; install Pulumi CLI ${MINIMUM_PULUMI_VERSION} or later: curl -fsSL https://get.pulumi.com | sh`);
  }
}
