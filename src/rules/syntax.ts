import { defineRule } from './rule.js';

export default defineRule({
  id: 'syntax',
  severity: 'error',
  description: 'The file is not valid YAML (or holds more than one document, or repeats a key).',
  scope: 'engine',
});
