import { parentPort } from 'node:worker_threads';
import type { ShardJob } from './lint-parallel.js';
import { forMessage, runShard } from './shard-work.js';

parentPort!.once('message', (job: ShardJob) => {
  parentPort!.postMessage(forMessage(runShard(job)));
});
