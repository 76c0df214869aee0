/** Node fields whose default does not depend on the stack. `protect` and `backups`
 *  default from stack config; `size` has no default and must be given. Kept apart from
 *  the schema so the command line can show them without loading zod. */
export const NODE_DEFAULTS = { image: "debian-12", panel: "virtualmin", rebuild: 0, status: "active" } as const;
