import type { Catalog } from "../../catalog/catalog";
import { nextHostname, type NameRequest } from "../../fleet/next-name";
import { validateFleetFile } from "../../fleet/validate";
import { hasErrors } from "../../source/issues";
import { EXIT, printIssues, type Io } from "../format";

/** `fleet next-name`: prints the next free hostname for env/type/provider/region. */
export function nextNameCommand(io: Io, catalog: Catalog, opts: NameRequest & { fleet: string }): number {
  const { fleet, issues } = validateFleetFile(opts.fleet, catalog);
  if (!fleet || hasErrors(issues)) {
    printIssues(io, issues);
    io.err(`fleet next-name: fix ${opts.fleet} first; a name is only free in a valid fleet`);
    return EXIT.invalidInput;
  }
  const result = nextHostname(fleet.nodes.map((n) => n.hostname), opts, catalog);
  if ("error" in result) {
    io.err(`fleet next-name: ${result.error}`);
    return requestIsValid(opts, catalog) ? EXIT.invalidInput : EXIT.usage;
  }
  io.out(result.hostname);
  return EXIT.ok;
}

/** A request that names a host in an empty fleet is a valid command line; when it
 *  fails only against the real fleet (a region with 999 in use), the fleet is the cause. */
function requestIsValid(request: NameRequest, catalog: Catalog): boolean {
  return !("error" in nextHostname([], request, catalog));
}
