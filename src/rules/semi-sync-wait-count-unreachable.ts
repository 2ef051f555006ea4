import { defineRule } from './rule.js';
import { semiSyncAckers } from '../policy/candidates.js';
import { usesSemiSync } from '../policy/semisync.js';

export default defineRule({
  id: 'semi-sync-wait-count-unreachable',
  severity: 'error',
  description: 'The semi-sync wait count is larger than the number of replicas of the primary with semi-sync priority > 0: the primary locks.',
  scope: 'cluster',
  check(cluster) {
    if (!usesSemiSync(cluster)) return [];
    const wanted = cluster.semiSync.waitForReplicaCount;
    const ackers = semiSyncAckers(cluster, cluster.primary);
    if (ackers.length >= wanted) return [];
    const origin = cluster.anchor([['semiSync', 'waitForReplicaCount'], ['semiSync', 'enforcement'], ['semiSync']], ['hosts']);
    const list = ackers.length === 0 ? 'none' : ackers.map((h) => h.key).join(', ');
    return [
      {
        file: origin.file,
        path: origin.path,
        message: `The primary ${cluster.primary} waits for ${wanted} semi-sync acknowledgement(s) but only ${ackers.length} of its replicas may acknowledge (semiSyncPriority > 0: ${list}); every write stalls until rpl_semi_sync_master_timeout.`,
        hint: 'Give more direct replicas of the primary a semiSyncPriority above 0, or lower waitForReplicaCount.',
      },
    ];
  },
});
