import { defineRule } from './rule.js';

export default defineRule({
  id: 'schema',
  severity: 'error',
  description: 'The document does not match the policy or fleet schema: unknown keys, wrong types, missing required keys.',
  scope: 'engine',
});
