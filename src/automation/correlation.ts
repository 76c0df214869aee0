import { randomUUID } from "node:crypto";

/** A correlation id travels in an environment variable, an update message and an HTTP
 *  header, so it is limited to characters that are safe in all three. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The id given by the caller (checked), or a new UUID (seed 002 correlation ids). */
export function correlationIdFor(given?: string): string {
  if (given === undefined) return randomUUID();
  if (!SAFE_ID.test(given)) {
    throw new RangeError(`correlation id "${given}" is not allowed: use 1-128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit`);
  }
  return given;
}

/** The environment variable by which the steps of a deployment see the id. */
export const CORRELATION_ENV = "NODE_CORRELATION_ID";
