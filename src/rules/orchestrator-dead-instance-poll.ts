import { defineRule } from './rule.js';

export default defineRule({
  id: 'orchestrator-dead-instance-poll',
  severity: 'error',
  description: '`lint --orchestrator-config`: percona/orchestrator dead-instance polling settings it rejects at start-up.',
  scope: 'engine',
  command: 'lint --orchestrator-config',
});
