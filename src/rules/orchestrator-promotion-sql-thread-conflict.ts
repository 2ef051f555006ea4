import { defineRule } from './rule.js';

export default defineRule({
  id: 'orchestrator-promotion-sql-thread-conflict',
  severity: 'error',
  description: '`lint --orchestrator-config`: FailMasterPromotionIfSQLThreadNotUpToDate and DelayMasterPromotionIfSQLThreadNotUpToDate both on; orchestrator refuses to start.',
  scope: 'engine',
  command: 'lint --orchestrator-config',
});
