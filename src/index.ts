// The Pulumi stack program (Pulumi.yaml `main`). Pulumi calls the exported function and
// publishes what it returns as the stack outputs.
import { program } from "./program";

export = program;
