// Preloaded into a child process (node --import) by the host-budget tests: reports the process's
// peak resident set size on stderr when it exits, however it exits.
process.on('exit', () => {
  process.stderr.write(`\nmax-rss-bytes=${process.resourceUsage().maxRSS * 1024}\n`);
});
