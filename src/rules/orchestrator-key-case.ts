import { defineRule } from './rule.js';

export default defineRule({
  id: 'orchestrator-key-case',
  severity: 'warning',
  description: '`lint --orchestrator-config`: a key spelled in another case than orchestrator uses, or one key set twice under two spellings (the later wins).',
  scope: 'engine',
  command: 'lint --orchestrator-config',
});
