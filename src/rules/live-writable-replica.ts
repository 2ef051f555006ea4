import { defineRule } from './rule.js';
import { hostPath } from '../live/view.js';

export default defineRule({
  id: 'live-writable-replica',
  severity: 'error',
  description: 'A replica has read_only off: writes to it diverge from the primary and become errant transactions.',
  scope: 'live',
  check({ cluster, view }) {
    return view.component
      .filter((i) => i.reachable && i.readOnly === false && i.source !== undefined && i.key !== view.livePrimary?.key)
      .map((i) => ({
        file: cluster.file,
        path: hostPath(cluster, i.key),
        target: 'key' as const,
        message: `${i.key} replicates from ${i.source} but has read_only off; a write there becomes an errant transaction that can block its promotion.`,
        hint: 'SET GLOBAL read_only = ON (and super_read_only on MySQL) on the replica.',
      }));
  },
});
