import { defineRule, type Report } from './rule.js';
import { usesSemiSync } from '../policy/semisync.js';
import { expectedAckers } from '../live/semisync.js';

export default defineRule({
  id: 'live-semi-sync-mismatch',
  severity: 'warning',
  description: 'The live semi-sync settings differ from what the policy will enforce (primary not semi-sync, other wait count, other acknowledging replicas).',
  scope: 'live',
  check({ cluster, view }) {
    if (!usesSemiSync(cluster)) return [];
    const primary = view.byKey.get(cluster.primary);
    if (!primary?.reachable) return [];
    const reports: Report[] = [];
    const at = (path: (string | number)[], message: string, hint?: string) => reports.push({ file: cluster.file, path, message, hint });
    const s = primary.semiSync;
    if (!s?.sourceEnabled) {
      at(['primary'], `The policy relies on semi-sync but the primary ${primary.key} has it off${s ? '' : ' (the plugin is not loaded)'}.`, 'Enable rpl_semi_sync_master_enabled on the primary.');
      return reports;
    }
    const wanted = cluster.semiSync.waitForReplicaCount;
    if (s.waitForReplicaCount !== undefined && s.waitForReplicaCount !== wanted) {
      // why: a defaulted wait count has no line of its own; the semi-sync settings are what make it matter.
      const o = cluster.anchor([['semiSync', 'waitForReplicaCount'], ['semiSync', 'enforcement'], ['semiSync']], ['primary']);
      reports.push({ file: o.file, path: o.path, message: `The policy waits for ${wanted} acknowledgement(s) but the primary ${primary.key} waits for ${s.waitForReplicaCount}.` });
    }
    if (cluster.semiSync.enforcement === 'exact') {
      const expected = new Set(expectedAckers(cluster, primary.key, view.byKey).map((h) => h.key));
      for (const i of view.component) {
        if (i.source !== primary.key || !i.reachable || !i.semiSync) continue;
        const on = i.semiSync.replicaEnabled;
        if (on === expected.has(i.key)) continue;
        const h = cluster.hosts.find((x) => x.key === i.key);
        at(
          h ? ['hosts', h.written] : ['hosts'],
          on
            ? `${i.key} has semi-sync enabled but exact enforcement will disable it (it is not among the ${wanted} highest-priority replicas).`
            : `${i.key} has semi-sync disabled but exact enforcement will enable it (it is among the ${wanted} highest-priority replicas).`,
        );
      }
    }
    return reports;
  },
});
