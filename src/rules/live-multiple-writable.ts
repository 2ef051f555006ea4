import { defineRule } from './rule.js';

export default defineRule({
  id: 'live-multiple-writable',
  severity: 'error',
  description: 'More than one instance of the cluster accepts writes (read_only off): a split brain in waiting.',
  scope: 'live',
  check({ cluster, view }) {
    const writable = view.component.filter((i) => i.reachable && i.readOnly === false);
    if (writable.length < 2) return [];
    return [
      {
        file: cluster.file,
        path: ['primary'],
        message: `${writable.length} instances accept writes: ${writable.map((i) => i.key).join(', ')}. Only the primary should have read_only off.`,
        hint: 'Set read_only (and super_read_only) on every replica.',
      },
    ];
  },
});
