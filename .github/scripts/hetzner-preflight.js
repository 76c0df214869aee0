#!/usr/bin/env node
// Stops a deployment before it starts while Hetzner still protects a server the change
// rebuilds or removes (the library's `up` preflight, src/automation/hetzner-preflight.ts):
// the engine would otherwise reset reverse DNS, deregister the node or delete its DNS
// records before the server's delete is refused. Uses the built library (npm ci builds it).
// Usage: hetzner-preflight.js STACK
"use strict";
const { FleetAutomation } = require("../../dist/automation");

const stack = process.argv[2];
if (!stack) {
  process.stderr.write("usage: hetzner-preflight.js STACK\n");
  process.exit(2);
}
new FleetAutomation({ stack }).preflight().then(() => process.exit(0), (err) => {
  process.stderr.write(`::error::${err.message}\n`);
  for (const step of err.steps ?? []) process.stderr.write(`  ${step}\n`);
  process.exit(1);
});
