import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { NodePlan } from "../plan/node-plan";
import { STEP_COMMANDS } from "./commands";
import type { DeclaredServer } from "./providers/types";

/** Registration with the hosting platform; absent when auto-registration is off. */
export interface RegistrationArgs {
  readonly url: string;
  readonly token: pulumi.Output<string>;
}

/** The registration step: an idempotent PUT on create and on every change of what the
 *  platform is told, DELETE when the node goes. */
export function registrationStep(
  plan: NodePlan, server: DeclaredServer, reg: RegistrationArgs, timeoutSeconds: number, panelPassword: pulumi.Output<string>,
): command.local.CommandArgs {
  return {
    create: STEP_COMMANDS.register,
    update: STEP_COMMANDS.register,
    delete: STEP_COMMANDS.deregister,
    environment: {
      REGISTRATION_URL: reg.url,
      REGISTRATION_TOKEN: reg.token,
      REGISTRATION_TIMEOUT: String(timeoutSeconds),
      NODE_HOSTNAME: plan.hostname,
      NODE_REGISTRATION: pulumi.jsonStringify(registrationPayload(plan, server)),
      PANEL_API_PASSWORD: panelPassword,
    },
    logging: command.types.enums.local.Logging.Stderr,
    addPreviousOutputInEnv: false,
  };
}

/** What the platform is told about a node (seed 000 register_in_platform); the panel
 *  password is added by the registration command from its own secret variable. */
function registrationPayload(plan: NodePlan, server: DeclaredServer) {
  return {
    hostname: plan.hostname,
    fqdn: plan.fqdn,
    displayName: plan.displayName,
    serverId: server.id,
    ipv4: server.ipv4,
    ipv6: server.ipv6,
    environment: plan.environment,
    type: plan.type,
    provider: plan.provider,
    region: plan.region,
    location: plan.location,
    size: plan.serverType,
    capacity: plan.capacity,
    status: plan.status,
    replaces: plan.replaces ?? null,
    panel: { type: plan.panel.id, version: plan.panel.version, apiUrl: plan.panel.apiUrl, apiUser: plan.panel.apiUser },
    monthlyCostEur: plan.monthlyCostEur,
    correlationId: plan.correlationId,
  };
}
