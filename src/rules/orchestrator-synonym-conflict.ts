import { defineRule } from './rule.js';

export default defineRule({
  id: 'orchestrator-synonym-conflict',
  severity: 'error',
  description: '`lint --orchestrator-config`: a legacy Slave key and its Replica synonym set to different values; orchestrator refuses to start.',
  scope: 'engine',
  command: 'lint --orchestrator-config',
});
