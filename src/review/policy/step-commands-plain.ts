import { COMMAND, type PolicyRule } from "./types";

/** Words of letters and path separators only: a program, a script path, a verb. No
 *  digits, options, quotes, `=`, `@` or `$` — the shapes values take. Nothing else may be
 *  in a step's command text, which @pulumi/command prints in full when a step fails. */
const PLAIN_COMMAND = /^[A-Za-z_.][A-Za-z_./-]*( [A-Za-z_.][A-Za-z_./-]*)*$/;

/** No step's command text carries a secret or an inline value: every input reaches the
 *  scripts through the environment or stdin (STYLE "Commands carry no values"). */
export const stepCommandsPlain: PolicyRule = {
  name: "step-commands-carry-no-values",
  description: "command steps' create/update/delete texts hold no secret and no inline value",
  check(resource) {
    if (resource.type !== COMMAND) return [];
    return (["create", "update", "delete"] as const).flatMap((field) => {
      const text = resource.inputs[field];
      if (text === undefined) return [];
      if (typeof text !== "string" || text === "[secret]") return [`step ${resource.name}: its ${field} command is secret; pass secrets through environment or stdin`];
      return PLAIN_COMMAND.test(text) ? [] : [`step ${resource.name}: ${field} command "${text}" carries inline values; pass them through environment or stdin`];
    });
  },
};
