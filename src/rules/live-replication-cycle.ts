import { defineRule, type Report } from './rule.js';
import { hostPath } from '../live/view.js';
import { cyclesOf } from '../util/cycles.js';

export default defineRule({
  id: 'live-replication-cycle',
  severity: 'error',
  description: 'Servers of the cluster replicate in a ring (co-primaries, or A→B→C→A); an error unless exactly one member of the ring is writable.',
  scope: 'live',
  check({ cluster, view }) {
    const inComponent = new Set(view.component.map((i) => i.key));
    const next = (k: string) => {
      const s = view.byKey.get(k)?.source;
      return s !== undefined && inComponent.has(s) ? s : undefined;
    };
    const declared = new Set(cluster.hosts.map((h) => h.key));
    return cyclesOf([...inComponent].sort(), next).flatMap((ring): Report[] => {
      const members = ring.map((k) => view.byKey.get(k)!);
      const writable = members.filter((i) => i.reachable && i.readOnly === false).map((i) => i.key);
      const unread = members.filter((i) => !i.reachable).map((i) => i.key);
      // why: with exactly one writable member that could be read, the ring is active-passive and
      // that member is the primary; otherwise no member is the primary more than another.
      const clear = writable.length === 1 && unread.length === 0;
      const arrows = [...ring].reverse();
      const shape = [arrows[arrows.length - 1]!, ...arrows].join(' → ');
      const state = clear
        ? `only ${writable[0]} is writable, so succession takes it as the primary and the other member${ring.length > 2 ? 's' : ''} as its replica${ring.length > 2 ? 's' : ''}; but each of them is also a source of it, so a write on any of them reaches it too.`
        : writable.length > 1
          ? `${writable.join(', ')} are all writable: there is no single primary, and writes to them can conflict.`
          : unread.length > 0
            ? `${unread.join(', ')} could not be read, so nobody can tell which member is the primary.`
            : 'every member is read-only: there is no primary, and no member is the unambiguous one to fail over from.';
      const message = `Replication ring ${shape} (each replicates from the one before it); ${state}`;
      const hosts = ring.filter((k) => declared.has(k));
      const at = hosts.length > 0 ? hosts : [undefined];
      return at.map((k) => ({
        file: cluster.file,
        path: k === undefined ? ['hosts'] : hostPath(cluster, k),
        target: 'key' as const,
        severity: clear ? ('warning' as const) : ('error' as const),
        message,
        hint: clear
          ? `If the ring is not meant as active-passive co-primaries, break it: RESET SLAVE ALL on ${writable[0]}.`
          : 'Break the ring: choose the primary, make it the only writable member, and stop it replicating from the others (STOP SLAVE; RESET SLAVE ALL).',
      }));
    });
  },
});
