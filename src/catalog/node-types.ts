/** Node types (seed 000 "Node Type Codes"). Only shared hosting is built today; the
 *  others are reserved so their names can be validated and refused clearly. */
export const NODE_TYPES = [
  { code: "sha", name: "Shared Hosting", implemented: true },
  { code: "vps", name: "VPS Hosting", implemented: false },
  { code: "ctr", name: "Container", implemented: false },
  { code: "ded", name: "Dedicated", implemented: false },
  { code: "app", name: "Application Platform", implemented: false },
] as const;
