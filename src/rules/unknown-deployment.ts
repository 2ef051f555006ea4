import { defineRule } from './rule.js';
import { didYouMean } from '../util/suggest.js';

export default defineRule({
  id: 'unknown-deployment',
  severity: 'error',
  description: 'A cluster names an orchestrator deployment that the fleet file does not declare.',
  scope: 'cluster',
  check(cluster, repo) {
    const name = cluster.orchestrator?.deployment;
    if (name === undefined) return [];
    const known = repo.fleet?.deployments ?? new Map();
    if (known.has(name)) return [];
    const where = repo.fleet ? `under orchestrator.deployments in ${repo.fleet.file.path}` : 'because there is no fleet file';
    return [
      {
        file: cluster.file,
        path: ['orchestrator', 'deployment'],
        message: `orchestrator deployment "${name}" is not declared ${where}.${didYouMean(name, known.keys())}`,
        hint: 'Declare the deployment (its raft nodes and backend) in the fleet file.',
      },
    ];
  },
});
