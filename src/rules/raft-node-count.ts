import { defineRule, type Report } from './rule.js';
import { parseHostKey } from '../policy/hostkey.js';

export default defineRule({
  id: 'raft-node-count',
  severity: 'error',
  description: 'An orchestrator raft deployment has an even number of nodes, fewer than three, or the same node twice.',
  scope: 'repo',
  check(repo) {
    const fleet = repo.fleet;
    if (!fleet) return [];
    const reports: Report[] = [];
    for (const dep of fleet.deployments.values()) {
      const nodesPath = [...dep.path, 'raft', 'nodes'];
      const seen = new Map<string, number>();
      dep.raftNodes.forEach((node, i) => {
        const key = parseHostKey(node, dep.raftPort)?.key ?? node;
        const first = seen.get(key);
        if (first === undefined) {
          seen.set(key, i);
          return;
        }
        reports.push({
          file: fleet.file,
          path: [...nodesPath, i],
          message: `Raft node ${node} of deployment "${dep.name}" is listed twice; it counts once towards the quorum.`,
          related: [{ file: fleet.file, path: [...nodesPath, first], message: 'first listed here' }],
        });
      });
      const n = seen.size;
      if (n < 3) {
        reports.push({
          file: fleet.file,
          path: nodesPath,
          message: `Deployment "${dep.name}" has ${n} distinct raft node(s): raft needs three or more to survive the loss of one node.`,
          hint: 'Run three (or five) orchestrator nodes.',
        });
      } else if (n % 2 === 0) {
        reports.push({
          file: fleet.file,
          path: nodesPath,
          message: `Deployment "${dep.name}" has ${n} raft nodes: an even count tolerates no more failures than ${n - 1} nodes and risks a split vote.`,
          hint: `Use ${n - 1} or ${n + 1} nodes.`,
        });
      }
    }
    return reports;
  },
});
