/** Label keys node-fleet puts on every server it manages; a fleet file may not set
 *  them, because tools select node-fleet's servers by them. */
export const RESERVED_LABEL_KEYS = ["env", "type", "provider", "region", "node", "panel", "managed-by"] as const;
