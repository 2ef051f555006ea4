import { defineRule } from './rule.js';
import { preferredCandidate } from '../policy/candidates.js';
import { usesSemiSync } from '../policy/semisync.js';

export default defineRule({
  id: 'preferred-candidate-without-semi-sync',
  severity: 'warning',
  description: 'The preferred candidate has semi-sync priority 0: after promoting it, orchestrator does not enable semi-sync on it and writes become asynchronous.',
  scope: 'cluster',
  check(cluster) {
    if (!usesSemiSync(cluster)) return [];
    const next = preferredCandidate(cluster);
    if (!next || next.semiSyncPriority > 0) return [];
    return [
      {
        file: cluster.file,
        path: ['hosts', next.written],
        target: 'key',
        message: `${next.key} is the preferred candidate but has semiSyncPriority 0: orchestrator enables rpl_semi_sync_master_enabled on a promoted primary only when its priority is above 0, so after a failover writes are no longer acknowledged by any replica.`,
        hint: `Give ${next.key} a semiSyncPriority above 0.`,
      },
    ];
  },
});
