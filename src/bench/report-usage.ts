// Preloaded into a benchmarked process: reports its peak memory when it exits.
process.on("exit", () => {
  process.stderr.write(`bench-usage maxrss_kb=${process.resourceUsage().maxRSS}\n`);
});
