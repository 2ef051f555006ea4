import { defineRule } from './rule.js';
import { ORCHESTRATOR_POLL_SECONDS } from '../live/semisync.js';

export default defineRule({
  id: 'live-semi-sync-timeout-too-low',
  severity: 'warning',
  description: 'rpl_semi_sync_master_timeout is so low that the primary silently falls back to asynchronous replication before orchestrator can see it locked, while the policy assumes durability.',
  scope: 'live',
  check({ cluster, view }) {
    if (cluster.semiSync.enforcement === 'off') return [];
    const primary = view.byKey.get(cluster.primary);
    const timeout = primary?.semiSync?.timeoutMs;
    if (!primary?.semiSync?.sourceEnabled || timeout === undefined) return [];
    const needMs = (cluster.semiSync.lockedMasterSeconds + ORCHESTRATOR_POLL_SECONDS) * 1000;
    if (timeout >= needMs) return [];
    const o = cluster.origin(['semiSync', 'lockedMasterSeconds']);
    return [
      {
        file: o.file,
        path: o.path.length > 0 ? o.path : ['semiSync'],
        message: `${primary.key} gives up on semi-sync after ${timeout} ms (rpl_semi_sync_master_timeout) and continues asynchronously; orchestrator needs ${needMs / 1000}s (lockedMasterSeconds + one poll) to see a locked primary, so the repair never runs and writes silently lose their acknowledgement.`,
        hint: `Raise rpl_semi_sync_master_timeout above ${needMs} ms, or accept asynchronous fallback and set enforcement to off.`,
      },
    ];
  },
});
