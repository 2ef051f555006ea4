import { parentPort } from 'node:worker_threads';
import { clusterFindings, type TargetName } from './compile/index.js';
import { lintShard, type PerCluster, type PolicyInput } from './lint.js';

interface Job {
  inputs: PolicyInput[];
  fleetInputs: PolicyInput[];
  /** Build: also compile each cluster for these targets and return what they cannot express. */
  compileTargets?: TargetName[];
}

parentPort!.once('message', (job: Job) => {
  const targets = job.compileTargets;
  // why: the notes point at policy lines; here the cluster's AST exists already, on the main thread it would be parsed again.
  const perCluster: PerCluster | undefined = targets && ((cluster, fleet) => clusterFindings(cluster, fleet, targets));
  parentPort!.postMessage(lintShard(job.inputs, job.fleetInputs, perCluster));
});
