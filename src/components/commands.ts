/** Command lines of the node steps. They carry no values: every input reaches the
 *  scripts through the environment or stdin, so nothing secret is ever in a command
 *  text (which @pulumi/command prints in full when a step fails). Relative to the
 *  project directory, where Pulumi runs commands. */
export const STEP_COMMANDS = {
  provision: "ansible/bin/provision",
  register: "node bin/register put",
  deregister: "node bin/register delete",
} as const;
