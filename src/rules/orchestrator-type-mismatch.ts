import { defineRule } from './rule.js';

export default defineRule({
  id: 'orchestrator-type-mismatch',
  severity: 'error',
  description: '`lint --orchestrator-config`: a value of the wrong JSON type for its Go type; orchestrator exits at start-up.',
  scope: 'engine',
  command: 'lint --orchestrator-config',
});
