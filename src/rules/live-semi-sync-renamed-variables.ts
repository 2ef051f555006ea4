import { defineRule } from './rule.js';
import { usesSemiSync } from '../policy/semisync.js';
import { hostPath } from '../live/view.js';

export default defineRule({
  id: 'live-semi-sync-renamed-variables',
  severity: 'error',
  description: 'A MySQL ≥ 8.0.26 server uses the renamed rpl_semi_sync_source/replica variables while orchestrator manages semi-sync; orchestrator 3.2.6 reads only the old names.',
  scope: 'live',
  check({ cluster, view, repo }) {
    if (!cluster.orchestrator || !usesSemiSync(cluster)) return [];
    // why: percona/orchestrator reads and sets both families of names.
    if (repo.fleet?.deployments.get(cluster.orchestrator.deployment)?.release.startsWith('percona')) return [];
    return view.component
      .filter((i) => i.reachable && i.semiSync?.names === 'source/replica')
      .map((i) => ({
        file: cluster.file,
        path: hostPath(cluster, i.key),
        target: 'key' as const,
        message: `${i.key} uses the semisync_source/semisync_replica plugins (rpl_semi_sync_source_*): orchestrator 3.2.6 reads only rpl_semi_sync_master_*, so its semi-sync recovery never fires, and enabling semi-sync on a promoted primary fails and leaves it read-only.`,
        hint: 'Load the semisync_master / semisync_slave plugins instead, or run percona/orchestrator, which knows the new names, and declare it (release: percona-3.2.6-13 on the deployment).',
      }));
  },
});
