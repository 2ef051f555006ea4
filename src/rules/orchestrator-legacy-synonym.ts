import { defineRule } from './rule.js';

export default defineRule({
  id: 'orchestrator-legacy-synonym',
  severity: 'warning',
  description: '`lint --orchestrator-config`: a legacy Slave key that silently overrides, or stands in for, its Replica synonym.',
  scope: 'engine',
  command: 'lint --orchestrator-config',
});
