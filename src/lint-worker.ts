import { parentPort } from 'node:worker_threads';
import { lintShard, type PolicyInput } from './lint.js';

interface Job {
  inputs: PolicyInput[];
  fleetInputs: PolicyInput[];
}

parentPort!.once('message', (job: Job) => {
  parentPort!.postMessage(lintShard(job.inputs, job.fleetInputs));
});
