import { defineRule } from './rule.js';

export default defineRule({
  id: 'orchestrator-invalid-regexp',
  severity: 'warning',
  description: '`lint --orchestrator-config`: a pattern or filter that is not a valid regular expression; orchestrator ignores it silently.',
  scope: 'engine',
  command: 'lint --orchestrator-config',
});
