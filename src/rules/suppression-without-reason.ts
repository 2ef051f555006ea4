import { defineRule } from './rule.js';

export default defineRule({
  id: 'suppression-without-reason',
  severity: 'error',
  description: 'A succession-disable comment does not say why (`-- reason`).',
  scope: 'engine',
});
