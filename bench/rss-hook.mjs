// Preloaded into a measured process (node --import): reports its peak RSS on fd 3 at exit.
import { writeSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

// why: worker threads load this hook too; only the main thread reports (the figure is process-wide).
if (isMainThread) process.on('exit', () => {
  try {
    writeSync(3, JSON.stringify({ maxRSSKiB: process.resourceUsage().maxRSS }));
  } catch {
    // fd 3 is absent when the script runs outside the benchmark; nothing to report then.
  }
});
