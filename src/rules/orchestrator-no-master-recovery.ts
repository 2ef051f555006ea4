import { defineRule } from './rule.js';

export default defineRule({
  id: 'orchestrator-no-master-recovery',
  severity: 'warning',
  description: '`lint --orchestrator-config`: RecoverMasterClusterFilters is empty, so orchestrator never recovers a dead primary automatically.',
  scope: 'engine',
  command: 'lint --orchestrator-config',
});
