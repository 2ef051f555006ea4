import { defineRule } from './rule.js';

export default defineRule({
  id: 'live-mariadb-semi-sync-enforcement',
  severity: 'error',
  description: 'orchestrator is to enforce semi-sync on MariaDB, which has no wait-for-replica count: orchestrator\'s semi-sync analyses never trigger.',
  scope: 'live',
  check({ cluster, view }) {
    if (!cluster.orchestrator || cluster.semiSync.enforcement === 'off') return [];
    const primary = view.byKey.get(cluster.primary);
    if (primary?.flavor !== 'mariadb') return [];
    const o = cluster.origin(['semiSync', 'enforcement']);
    return [
      {
        file: o.file,
        path: o.path,
        message: `semiSync.enforcement is "${cluster.semiSync.enforcement}" but ${primary.key} is MariaDB: it has no rpl_semi_sync_master_wait_for_slave_count, so orchestrator never detects a locked primary or too many semi-sync replicas and the enforcement does nothing.`,
        hint: 'Set semiSync.enforcement to off for MariaDB clusters and manage semi-sync replicas another way.',
      },
    ];
  },
});
