import { defineRule } from './rule.js';
import { MARIADB_ENFORCEMENT_EFFECT, MARIADB_ENFORCEMENT_HINT } from '../policy/semisync.js';

export default defineRule({
  id: 'live-mariadb-semi-sync-enforcement',
  severity: 'error',
  description: 'orchestrator is to enforce semi-sync on a cluster whose live primary runs MariaDB: after a failover no replica acknowledges and writes block until the semi-sync timeout.',
  scope: 'live',
  check({ cluster, view }) {
    // why: with flavor mariadb in the policy, mariadb-semi-sync-enforcement already reports it, without a topology.
    if (!cluster.orchestrator || cluster.semiSync.enforcement === 'off' || cluster.flavor === 'mariadb') return [];
    const primary = view.byKey.get(cluster.primary);
    if (primary?.flavor !== 'mariadb') return [];
    const o = cluster.origin(['semiSync', 'enforcement']);
    return [
      {
        file: o.file,
        path: o.path,
        message: `semiSync.enforcement is "${cluster.semiSync.enforcement}" but the primary ${primary.key} runs MariaDB: ${MARIADB_ENFORCEMENT_EFFECT}`,
        hint: MARIADB_ENFORCEMENT_HINT,
      },
    ];
  },
});
