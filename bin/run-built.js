"use strict";
// Runs a command's main(argv) from the compiled dist/ (built by `npm ci` through the
// prepare script) and exits with the code it resolves to.
module.exports = function runBuilt(name, modulePath) {
  let entry;
  try {
    entry = require(modulePath);
  } catch (err) {
    if (err && err.code === "MODULE_NOT_FOUND" && String(err.message).includes(modulePath)) {
      process.stderr.write(`${name}: node-fleet is not built yet; run \`npm ci\` (or \`npm run build\`) in the project directory\n`);
      process.exit(2);
    }
    throw err;
  }
  entry.main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err) => { process.stderr.write(`${name}: ${err && err.stack ? err.stack : err}\n`); process.exitCode = 70; },
  );
};
