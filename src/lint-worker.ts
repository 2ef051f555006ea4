import { parentPort } from 'node:worker_threads';
import { compileCluster, findingKey } from './compile/index.js';
import { compareArtifacts, type Comparison } from './compile/emit.js';
import { lintShard, type PerCluster } from './lint.js';
import type { ShardJob, ShardOutput } from './lint-parallel.js';

parentPort!.once('message', (job: ShardJob) => {
  const build = job.compile;
  const comparison: Comparison = { paths: [], changed: [] };
  let outputError: string | undefined;
  // why: a note about a fleet default is raised by every cluster that inherits it (two in three
  // notes on the bench fleet); sent once, the shard's message is a third of the size.
  const seen = new Set<string>();
  // why: the cluster's AST and resolved policy exist here already; on the main thread they would be
  // built again. Its files are compared with the output directory at once, so that only the changed
  // ones (none, on a rebuild with nothing changed) travel back.
  const perCluster: PerCluster | undefined =
    build &&
    ((cluster, fleet) => {
      const { artifacts, findings } = compileCluster(cluster, fleet, build.targets);
      if (outputError === undefined) {
        try {
          compareArtifacts(build.outDir, artifacts, comparison);
        } catch (e) {
          outputError = (e as Error).message;
        }
      }
      return findings.filter((f) => {
        const key = findingKey(f);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    });
  const out: ShardOutput = { ...lintShard(job.inputs, job.fleetInputs, perCluster), ...(build ? { comparison, outputError } : {}) };
  parentPort!.postMessage(out);
});
