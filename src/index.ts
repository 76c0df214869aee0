// The Pulumi stack program: package.json "main" (Pulumi.yaml names none; see there why).
// Pulumi calls the exported function and publishes what it returns as the stack outputs.
import { program } from "./program";

export = program;
