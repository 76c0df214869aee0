/** Command lines of the node steps. They carry no values: every input reaches the
 *  scripts through the environment or stdin, so nothing secret is ever in a command
 *  text (which @pulumi/command prints in full when a step fails). Relative to the
 *  project directory: the engine's working directory, and so the command provider's,
 *  because Pulumi.yaml names no `main` (pulumi pkg/engine/project.go getPwdMain). */
export const STEP_COMMANDS = {
  provision: "ansible/bin/provision",
  powerOff: "ansible/bin/power-off",
  powerOn: "ansible/bin/power-on",
  register: "node bin/register put",
  deregister: "node bin/register delete",
} as const;

/** Seconds a step may run past its own deadline before the command provider kills it
 *  (customTimeouts): the scripts stop themselves first, cleanly. */
export const STEP_GRACE_SECONDS = 60;

/** Set (to 1) in the Pulumi CLI's environment by a recovery re-provision: the
 *  provisioning script then runs the playbook even when the node recorded the same
 *  configuration digest. An environment variable, not an input, so it changes no
 *  resource's inputs. */
export const FORCE_PROVISION_ENV = "NODE_FORCE_PROVISION";

/** Set in the Pulumi CLI's environment by a recovery re-provision to the host key pinned
 *  for the node (`node-fleet-host-key <server id> <key>`, src/components/host-key-pin.ts):
 *  that update replaces the provisioning step, and a created step is handed no previous
 *  output, so without it the script would pin the user-data key the node no longer has. */
export const PINNED_HOST_KEY_ENV = "NODE_PINNED_HOST_KEY";
