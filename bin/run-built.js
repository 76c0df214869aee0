"use strict";
// Runs a command's main(argv) from the compiled dist/ (built by `npm ci` through the
// prepare script) and exits with the code it resolves to. Nothing here prints a Node
// stack trace: a failure is one line and an exit code from the table in
// src/cli/format.ts EXIT (docs/exit-codes.md); FLEET_DEBUG=1 adds the trace.
const path = require("path");

module.exports = function runBuilt(name, modulePath) {
  let entry;
  let format;
  try {
    entry = require(modulePath);
    format = require(path.join(__dirname, "../dist/cli/format.js"));
  } catch (err) {
    // Only the module itself missing means "not built"; a missing dependency of it
    // (named on the first line, the module only in the require stack) is a broken install.
    if (err && err.code === "MODULE_NOT_FOUND" && String(err.message).split("\n")[0].includes(`${path.sep}dist${path.sep}`)) {
      process.stderr.write(`${name}: node-fleet is not built yet; run \`npm ci\` (or \`npm run build\`) in the project directory\n`);
      process.exit(127);
    }
    throw err;
  }
  const { EXIT, exitCodeOf } = format;
  const say = (line) => {
    if (process.stderr.writable) process.stderr.write(`${line}\n`);
  };

  // A reader that went away (`fleet plan | head`) is not a failure: the rest of the
  // output is dropped and the command ends with its own code. A write that fails
  // (ENOSPC, EIO) ends the command at once: its output would be incomplete.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err) => {
      if (err.code === "EPIPE") return;
      if (stream !== process.stderr) say(`${name}: cannot write the output: ${err.code === "ENOSPC" ? "no space left on the device" : err.message}`);
      process.exit(exitCodeOf(err));
    });
  }

  entry.main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err) => {
      const code = exitCodeOf(err);
      const message = err && err.message ? err.message.split("\n")[0] : String(err);
      say(code === EXIT.internal
        ? `${name}: internal error: ${message} (a bug in node-fleet; run with FLEET_DEBUG=1 for the stack trace)`
        : `${name}: ${message}`);
      if (process.env.FLEET_DEBUG && err && err.stack) say(err.stack);
      process.exitCode = code;
    },
  );
};
