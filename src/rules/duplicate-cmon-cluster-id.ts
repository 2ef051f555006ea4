import { defineRule, type Report } from './rule.js';
import type { ClusterPolicy } from '../policy/model.js';

export default defineRule({
  id: 'duplicate-cmon-cluster-id',
  severity: 'error',
  description: 'Two policy files use the same cmon cluster id; both would be written to the same cmon_<id>.cnf.',
  scope: 'repo',
  check(repo) {
    const first = new Map<number, ClusterPolicy>();
    const reports: Report[] = [];
    for (const c of repo.clusters) {
      if (!c.cmon) continue;
      const earlier = first.get(c.cmon.clusterId);
      if (!earlier) {
        first.set(c.cmon.clusterId, c);
        continue;
      }
      reports.push({
        file: c.file,
        path: ['cmon', 'clusterId'],
        message: `cmon cluster id ${c.cmon.clusterId} is already used by cluster "${earlier.name}" (${earlier.file.path}).`,
        hint: 'cmon requires a unique cluster_id per cluster.',
        related: [{ file: earlier.file, path: ['cmon', 'clusterId'], message: 'first used here' }],
      });
    }
    return reports;
  },
});
