/** Domains reserved for documentation (RFC 2606 §2 top-level names, §3 second-level
 *  names); nobody can own a zone there, so a stack that names one cannot deploy. */
const RESERVED_SECOND_LEVEL = ["example.com", "example.net", "example.org"];
const RESERVED_TOP_LEVEL = ["example", "test", "invalid"];

/** The zone id of Cloudflare's API reference examples (`zone_id` in
 *  https://developers.cloudflare.com/api/), which the committed stack files carry. */
export const DOCUMENTATION_ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353";

/** Whether a domain name is, or lies under, a name reserved for documentation. */
export function isDocumentationDomain(domain: string): boolean {
  const name = domain.toLowerCase().replace(/\.$/, "");
  const labels = name.split(".");
  return RESERVED_TOP_LEVEL.includes(labels.at(-1) ?? "")
    || RESERVED_SECOND_LEVEL.some((reserved) => name === reserved || name.endsWith(`.${reserved}`));
}

/** The host of a URL when it is a documentation domain; undefined for anything else,
 *  including a URL that does not parse (its own check reports that). */
export function documentationUrlHost(url: string): string | undefined {
  try {
    const host = new URL(url).hostname;
    return isDocumentationDomain(host) ? host : undefined;
  } catch {
    return undefined;
  }
}
