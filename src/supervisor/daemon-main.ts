// Entry point of the detached supervisor process (the client spawns it; its output goes to the
// supervisor log). SIGTERM / SIGINT stop every supervised process first; a SIGKILL leaves them
// running for the next supervisor to re-adopt. The file name is how a live supervisor is told from
// a process that reused its pid (daemon.ts), so keep it.
import { Daemon } from './daemon.ts';

const daemon = new Daemon();
daemon.onStopped = () => process.exit(0);
if (!(await daemon.start())) {
  // Another supervisor won the race: the client connects to that one.
  process.exit(0);
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void daemon.shutdown(true).then(() => process.exit(0));
  });
}
process.on('uncaughtException', (err) => {
  process.stdout.write(`${new Date().toISOString()} uncaught: ${err.stack ?? err.message}\n`);
});
