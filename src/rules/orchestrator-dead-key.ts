import { defineRule } from './rule.js';

export default defineRule({
  id: 'orchestrator-dead-key',
  severity: 'info',
  description: '`lint --orchestrator-config`: a key orchestrator reads but never uses.',
  scope: 'engine',
  command: 'lint --orchestrator-config',
});
