// Preloaded into the benchmarked `fleet health`: reports the CPU time it used, the
// figure that does not depend on what else the machine is running.
process.on("exit", () => {
  const { userCPUTime, systemCPUTime } = process.resourceUsage();
  process.stderr.write(`bench-cpu user_ms=${Math.round(userCPUTime / 1000)} system_ms=${Math.round(systemCPUTime / 1000)}\n`);
});
