import { defineRule } from './rule.js';

export default defineRule({
  id: 'unused-suppression',
  severity: 'warning',
  description: 'A succession-disable comment suppresses nothing, or names a rule that does not exist or cannot be suppressed.',
  scope: 'engine',
});
