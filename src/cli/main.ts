import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import type { Catalog } from "../catalog/catalog";
import { NODE_DEFAULTS } from "../fleet/defaults";
import { InvalidInputError } from "../source/issues";
import { registerHealthCommand } from "./commands/register-health";
import { CATALOG_VIEWS, type CatalogView } from "./commands/catalog";
import { registerOperations } from "./commands/operations";
import { registerRestoreCommand } from "./commands/restore";
import { registerRolloutCommand } from "./commands/register-rollout";
import { EXIT, exitCodeOf, printIssues, processIo, type Io } from "./format";
import { refuseUnknownStacks } from "./stack-name";
import { withStackOptions } from "./stack-options";

/** The version of node-fleet, from its package.json (the same from src/ and dist/). */
export const VERSION = (JSON.parse(readFileSync(join(__dirname, "../../package.json"), "utf8")) as { version: string }).version;

/** A whole number from 0 to 65535 (a port, or seconds). */
function portNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65_535) throw new InvalidArgumentError(`expected a whole number from 0 to 65535, got "${value}"`);
  return n;
}

/** Runs the `fleet` command line and resolves to its exit code. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let code: number = EXIT.ok;
  let catalogDir: string | undefined;
  // Each command loads what it needs when it runs, so `fleet --help` or a small
  // `fleet validate` does not pay for the Pulumi SDK, the diff engine or the health checks.
  let catalogLoader: typeof import("../catalog/load") | undefined;
  const catalog = (): Catalog => catalogLoader!.loadCatalog(catalogDir);

  const program = new Command("fleet")
    .description("Declare a fleet of shared-hosting nodes from one YAML file.")
    .version(VERSION, "-V, --version", "print the version of node-fleet")
    .option("--catalog <dir>", "catalog directory (default: the bundled catalog/)")
    .hook("preAction", async (cmd) => {
      catalogDir = cmd.opts<{ catalog?: string }>().catalog;
      catalogLoader = await import("../catalog/load.js");
    })
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError("(run `fleet --help` for usage)");
  refuseUnknownStacks(program, EXIT.usage);

  program.command("validate")
    .description("check a fleet file: prints FILE:LINE:COL: problems, exits 1 on any error")
    .argument("[file]", "fleet file", "fleet.yaml")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (file: string, opts: { format: "text" | "json" }) => {
      const { validateCommand } = await import("./commands/validate.js");
      code = validateCommand(io, catalog(), { file, format: opts.format });
    });

  program.command("next-name")
    .description("print the next free hostname for an environment, type, provider and region")
    .requiredOption("--env <env>", "prd, stg or dev")
    .option("--type <type>", "node type", "sha")
    .option("--provider <provider>", "provider code", "het")
    .requiredOption("--region <region>", "normalized code (ash1) or the provider's id (ash, us-east-1)")
    .option("--fleet <file>", "fleet file", "fleet.yaml")
    .action(async (opts: { env: string; type: string; provider: string; region: string; fleet: string }) => {
      const { nextNameCommand } = await import("./commands/next-name.js");
      code = nextNameCommand(io, catalog(), opts);
    });

  program.command("add")
    .description("add the next node to the fleet file (validated first; bad input changes nothing)")
    .requiredOption("--env <env>", "prd, stg or dev")
    .requiredOption("--region <region>", "normalized code (fsn1) or the provider's id")
    .requiredOption("--size <size>", "server size, see `fleet catalog sizes`")
    .option("--type <type>", "node type", "sha")
    .option("--provider <provider>", "provider code", "het")
    .option("--display-name <name>", "friendly name")
    .option("--image <image>", `image, written on the node (default: ${NODE_DEFAULTS.image})`)
    .option("--panel <panel>", "panel (default: the fleet's default)")
    .option("--fleet <file>", "fleet file", "fleet.yaml")
    .option("--dry-run", "print the new fleet file instead of writing it", false)
    .action(async (opts: { env: string; region: string; size: string; type: string; provider: string;
      displayName?: string; image?: string; panel?: string; fleet: string; dryRun: boolean }) => {
      const { addCommand } = await import("./commands/add.js");
      code = addCommand(io, catalog(), opts);
    });

  program.command("catalog")
    .description("show the reference data: providers, regions, sizes (with prices), panels")
    .addArgument(new Command().createArgument("[view]", "one table").choices([...CATALOG_VIEWS]))
    .action(async (view: CatalogView | undefined) => {
      const { catalogCommand } = await import("./commands/catalog.js");
      code = catalogCommand(io, catalog(), view ? [view] : CATALOG_VIEWS);
    });

  withStackOptions(program.command("plan")
    .description("show what `pulumi up` would declare for a stack, offline (no Pulumi CLI, no credentials)"))
    .option("--json", "print JSON for tools")
    .option("--markdown", "print Markdown for a pull request")
    .option("--base <file>", "compare with this fleet file and list rebuilt and resized servers")
    .action(async (opts: { stack: string; fleet?: string; project: string; json?: boolean; markdown?: boolean; base?: string }) => {
      if (opts.json && opts.markdown) {
        io.err("fleet plan: choose one of --json and --markdown");
        code = EXIT.usage;
        return;
      }
      const { planCommand } = await import("./commands/plan.js");
      code = await planCommand(io, {
        stack: opts.stack, projectDir: opts.project, ...(opts.fleet ? { fleet: opts.fleet } : {}), ...(opts.base ? { base: opts.base } : {}),
        ...(catalogDir ? { catalogDir } : {}),
        format: opts.json ? "json" : opts.markdown ? "markdown" : "text",
      });
    });

  // Operations on a deployed stack through src/automation (issue 10).
  registerOperations(program, {
    io, env: process.env, tty: io === processIo && process.stderr.isTTY === true, writeErr: (text) => process.stderr.write(text),
  }, (c) => { code = c; });

  registerHealthCommand(program, io, catalog, (exit) => { code = exit; }, {
    // health/stack reaches the Automation API, which loads the Pulumi SDK: only when a round runs.
    connect: async (options) => (await import("../restore/recovery.js")).withRestore(await (await import("../health/stack.js")).connectStack(options)),
    backupAges: async (options) => (await import("../backup/stack-ages.js")).stackBackupAges(options),
    metadataBarriers: async (options) => (await import("../health/metadata-barrier.js")).stackMetadataBarriers(options),
  });

  registerRestoreCommand(program, io, process.env, (exit) => { code = exit; });
  registerRolloutCommand(program, io, catalog, (exit) => { code = exit; });

  withStackOptions(program.command("dashboard")
    .description("the stack's nodes as read-only web pages on 127.0.0.1 (health, outputs, backups, deployments, cost), or --out DIR as files"))
    .option("--port <port>", "port to serve on (0: any free port)", portNumber, 8080)
    .option("--host <address>", "address to bind; other than loopback needs FLEET_DASHBOARD_TOKEN", "127.0.0.1")
    .option("--state-dir <dir>", "where `fleet health` keeps its state (default: $STATE_DIRECTORY or PROJECT/.fleet-health)")
    .option("--refresh <seconds>", "how often the pages reload and the sources are read again", portNumber, 30)
    .option("--out <dir>", "write the pages as static files to DIR and exit")
    .action(async (opts: { stack: string; fleet?: string; project: string; port: number; host: string; stateDir?: string; refresh: number; out?: string }) => {
      const { dashboardCommand } = await import("./commands/dashboard.js");
      code = await dashboardCommand(io, catalog(), {
        stack: opts.stack, projectDir: opts.project, host: opts.host, port: opts.port, refreshSeconds: opts.refresh,
        ...(opts.fleet ? { fleet: opts.fleet } : {}), ...(opts.stateDir ? { stateDir: opts.stateDir } : {}), ...(opts.out ? { out: opts.out } : {}),
      }, async (options) => (await import("../dashboard/outputs.js")).shownStackOutputs(options));
    });

  program.commands.find((c) => c.name() === "catalog")!.command("refresh")
    .description("update catalog/sizes.yaml from the Hetzner Cloud API: per-location prices, locations, deprecations (token: HCLOUD_TOKEN)")
    .option("--dry-run", "print the new sizes.yaml instead of writing it", false)
    .action(async (opts: { dryRun: boolean }) => {
      const { catalogRefreshCommand } = await import("./commands/catalog-refresh.js");
      code = await catalogRefreshCommand(io, process.env, {
        catalogDir: catalogDir ?? catalogLoader!.DEFAULT_CATALOG_DIR, dryRun: opts.dryRun, today: new Date().toISOString().slice(0, 10),
      });
    });

  program.command("diff")
    .description("what merging the working tree over a git revision would do, node by node, with the cost delta (offline)")
    .requiredOption("--base <ref>", "git revision to compare with (e.g. origin/main)")
    .option("--stack <stack>", "one stack (default: every stack)")
    .option("--project <dir>", "project directory inside the git repository", ".")
    .addOption(new Option("--json", "print JSON for tools").conflicts("markdown"))
    .addOption(new Option("--markdown", "print a pull-request comment"))
    .action(async (opts: { base: string; stack?: string; project: string; json?: boolean; markdown?: boolean }) => {
      const { diffCommand } = await import("./commands/diff.js");
      code = await diffCommand(io, {
        base: opts.base, projectDir: opts.project, ...(opts.stack ? { stack: opts.stack } : {}),
        format: opts.json ? "json" : opts.markdown ? "markdown" : "text",
      });
    });

  const [first, topic] = argv;
  if (first === "help" && topic !== undefined && !program.commands.some((c) => c.name() === topic)) {
    io.err(`fleet help: unknown command '${topic}'; commands: ${program.commands.map((c) => c.name()).join(", ")}`);
    return EXIT.usage;
  }

  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help asked for (--help, `help plan`) and --version end with 0; help shown
      // because no command was given, and every parse error, with a non-zero code.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof InvalidInputError) {
      printIssues(io, err.issues);
      return EXIT.invalidInput;
    }
    const known = exitCodeOf(err);
    if (known === EXIT.internal) throw err;
    io.err(`fleet: ${(err as Error).message}`);
    return known;
  }
}
