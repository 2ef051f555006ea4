import { defineRule } from './rule.js';
import { promotable } from '../policy/candidates.js';

export default defineRule({
  id: 'single-promotable-candidate',
  severity: 'warning',
  description: 'Only one host can be promoted (no N+1): while it is down or lagging, a failover of the primary fails.',
  scope: 'cluster',
  check(cluster) {
    const hosts = promotable(cluster);
    if (hosts.length !== 1) return [];
    const only = hosts[0]!;
    return [
      {
        file: cluster.file,
        path: ['hosts', only.written],
        target: 'key',
        message: `${only.key} is the only host that can be promoted; if it is unavailable when ${cluster.primary} fails, the failover fails.`,
        hint: 'Allow a second candidate (whitelist it, or relax its role, promotion level or DC fence).',
      },
    ];
  },
});
