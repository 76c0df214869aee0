/** node-fleet's Automation API: what the hosting platform, a health checker or the `fleet`
 *  command use to preview, deploy, rebuild and inspect a stack. No CLI concerns here. */
export { FleetAutomation, type DeployReport, type DriftReport, type FleetAutomationOptions, type RebuildOptions,
  type Report, type RunOptions, type UpOptions } from "./operations";
export { OperationFailedError, OperationRefusedError, StackLockedError } from "./errors";
export { rollout, type RolloutOptions, type RolloutReport, type WaveResult } from "./rollout";
export { RolloutLockedError } from "./rollout-store";
export type { FleetEvent, Operation } from "./events";
export { PHASES, type PhaseId, type PhaseProgress, type PhaseState } from "./phases";
export type { DriftedResource } from "./drift";
export { MIN_PULUMI_VERSION, PulumiCliError } from "./pulumi-cli";
export { BackendConfigError, SecretsConfigError } from "./workspace";
export { CORRELATION_ENV } from "./correlation";
export { AuditTrail, jsonLinesSink, webhookSink, signBody, SIGNATURE_HEADER, type AuditSink } from "../audit/sinks";
export { AUDIT_ENV, auditSinksFromEnv } from "../audit/config";
export type { Actor, AuditEvent, AuditType } from "../audit/event";
