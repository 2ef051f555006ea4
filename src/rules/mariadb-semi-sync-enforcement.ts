import { defineRule } from './rule.js';
import { MARIADB_ENFORCEMENT_EFFECT, MARIADB_ENFORCEMENT_HINT } from '../policy/semisync.js';

export default defineRule({
  id: 'mariadb-semi-sync-enforcement',
  severity: 'error',
  description: 'orchestrator is to enforce semi-sync on a cluster the policy declares MariaDB: after a failover no replica acknowledges and writes block until the semi-sync timeout.',
  scope: 'cluster',
  check(cluster) {
    if (!cluster.orchestrator || cluster.flavor !== 'mariadb' || cluster.semiSync.enforcement === 'off') return [];
    const o = cluster.origin(['semiSync', 'enforcement']);
    const flavor = cluster.origin(['flavor']);
    return [
      {
        file: o.file,
        path: o.path,
        message: `semiSync.enforcement is "${cluster.semiSync.enforcement}" for cluster ${cluster.name}, whose servers the policy declares MariaDB: ${MARIADB_ENFORCEMENT_EFFECT}`,
        hint: MARIADB_ENFORCEMENT_HINT,
        related: [{ ...flavor, message: 'flavor: mariadb set here' }],
      },
    ];
  },
});
