import { expect } from "vitest";

/** The lines of `after` that `before` does not have, asserting that nothing else changed:
 *  `after` must be `before` with one run of lines inserted. */
export function addedLines(before: string, after: string): string[] {
  const old = before.split("\n");
  const lines = after.split("\n");
  const first = lines.findIndex((line, i) => line !== old[i]);
  const fromEnd = [...lines].reverse().findIndex((line, i) => line !== old[old.length - 1 - i]);
  expect([...lines.slice(0, first), ...lines.slice(lines.length - fromEnd)]).toEqual(old);
  return lines.slice(first, lines.length - fromEnd);
}
