import { defineRule, type Report } from './rule.js';
import type { HostRef } from '../policy/model.js';

export default defineRule({
  id: 'invalid-host-key',
  severity: 'error',
  description: 'A host key names no host: an IPv6 address that is not one, or a name ending in a number that is no IPv4 address.',
  scope: 'cluster',
  check(cluster) {
    const refs: HostRef[] = [cluster.primaryRef, ...(cluster.candidates.whitelist ?? []), ...cluster.candidates.blacklist];
    const reports: Report[] = [];
    for (const h of cluster.hosts) {
      if (!h.validKey) reports.push(report(cluster.file, ['hosts', h.written], h.written, 'key'));
      if (h.sourceRef) refs.push(h.sourceRef);
    }
    for (const r of refs) if (r.key === undefined) reports.push(report(cluster.file, r.path, r.written, 'value'));
    return reports;
  },
});

function report(file: Report['file'], path: Report['path'], written: string, target: 'key' | 'value'): Report {
  return {
    file,
    path,
    target,
    message: `"${written}" is not a host key: ${why(written)} succession cannot tell which server it means, so it matches no host.`,
    hint: 'Write host:port with a DNS name, an IPv4 address in dotted decimal, or a bracketed IPv6 address: [2001:db8::1]:3306.',
  };
}

function why(written: string): string {
  if (written.startsWith('[') || (written.match(/:/g) ?? []).length > 1) return 'the address is not an IPv6 address.';
  return 'a name whose last label is a number is read as an IPv4 address, and this one is none.';
}
