import { defineRule } from './rule.js';
import { preferredCandidate, semiSyncAckers } from '../policy/candidates.js';
import { usesSemiSync } from '../policy/semisync.js';

export default defineRule({
  id: 'semi-sync-locks-after-failover',
  severity: 'error',
  description: 'After the preferred candidate is promoted, fewer replicas with semi-sync priority > 0 remain than the wait count: the new primary locks.',
  scope: 'cluster',
  check(cluster) {
    if (!usesSemiSync(cluster)) return [];
    const wanted = cluster.semiSync.waitForReplicaCount;
    // why: when the primary cannot even start with enough ackers, semi-sync-wait-count-unreachable says so.
    if (semiSyncAckers(cluster, cluster.primary).length < wanted) return [];
    const next = preferredCandidate(cluster);
    if (!next || next.semiSyncPriority === 0) return [];
    const after = semiSyncAckers(cluster, next.key, cluster.primary);
    if (after.length >= wanted) return [];
    const origin = cluster.anchor([['semiSync', 'waitForReplicaCount'], ['semiSync', 'enforcement'], ['semiSync']], ['hosts']);
    return [
      {
        file: origin.file,
        path: origin.path,
        message: `After ${cluster.primary} fails and ${next.key} is promoted, ${after.length} replica(s) with semiSyncPriority > 0 remain for a wait count of ${wanted}: the new primary locks on its first write.`,
        hint: 'Give another replica a semiSyncPriority above 0, or lower waitForReplicaCount.',
        related: [{ file: cluster.file, path: ['hosts', next.written], message: 'the preferred candidate' }],
      },
    ];
  },
});
