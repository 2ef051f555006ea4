import { defineRule } from './rule.js';

export default defineRule({
  id: 'orchestrator-lag-minutes-without-query',
  severity: 'error',
  description: '`lint --orchestrator-config`: FailMasterPromotionOnLagMinutes without a ReplicationLagQuery; orchestrator refuses to start.',
  scope: 'engine',
  command: 'lint --orchestrator-config',
});
