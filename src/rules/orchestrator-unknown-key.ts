import { defineRule } from './rule.js';

export default defineRule({
  id: 'orchestrator-unknown-key',
  severity: 'error',
  description: '`lint --orchestrator-config`: a key orchestrator does not know; it ignores it silently.',
  scope: 'engine',
  command: 'lint --orchestrator-config',
});
