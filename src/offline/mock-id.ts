/** The id a mock resource gets: derived from its type and name (FNV-1a), so the same
 *  resource has the same id in every plan, and two plans of different revisions can be
 *  compared input by input. Large enough not to be mistaken for a port or a count. */
export function mockId(type: string, name: string): number {
  let hash = 0x811c9dc5;
  for (const ch of `${type}::${name}`) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return 1_000_000_000 + (hash % 1_000_000_000);
}
