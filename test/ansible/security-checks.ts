import { describeMetadataBlock } from "./checks/metadata";
import { describePanelApi } from "./checks/panel-api";
import type { Provisioned } from "./checks/provisioned";
import { describeSsh } from "./checks/sshd";
import { describeSystem } from "./checks/system";

export type { Provisioned } from "./checks/provisioned";

/** The security baseline of issue 8 on the provisioned host, checked as a user meets it. */
export function describeNodeSecurity(node: Provisioned): void {
  describeSsh(node);
  describeMetadataBlock(node);
  describePanelApi(node);
  describeSystem(node);
}
