import { canonicalHost, parseHostKey } from '../policy/hostkey.js';
import { compareKeys, hostKey, type Instance } from './model.js';
import { str } from './mysql-connection.js';
import { num, pick, primaryChannel, type ServerReading } from './mysql-reading.js';

// What discovery learns about the replication graph from each server it reads: where to go next,
// and which keys name one server.

export function mergeAliases(instances: Map<string, Instance>, readings: Map<string, ServerReading>, seeds: string[], warnings: string[]): void {
  const byIdentity = new Map<string, string[]>();
  for (const [key, r] of readings) {
    const v = r.variables;
    // why: server_id alone may repeat across clusters; with the host name and port it names one server.
    const id = `${v.get('server_uuid') ?? ''}/${v.get('server_id') ?? ''}/${v.get('hostname') ?? ''}/${v.get('port') ?? ''}`;
    byIdentity.set(id, [...(byIdentity.get(id) ?? []), key]);
  }
  const alias = new Map<string, string>();
  for (const keys of byIdentity.values()) {
    if (keys.length < 2) continue;
    const sorted = [...keys].sort(compareKeys);
    const winner = sorted.find((k) => seeds.includes(k)) ?? sorted.find((k) => !k.startsWith('localhost:')) ?? sorted[0]!;
    for (const k of sorted) {
      if (k === winner) continue;
      alias.set(k, winner);
      instances.delete(k);
      warnings.push(`${k} is the same server as ${winner}; reported once, as ${winner}`);
    }
  }
  if (alias.size === 0) return;
  for (const inst of instances.values()) {
    if (inst.source !== undefined && alias.has(inst.source)) inst.source = alias.get(inst.source);
  }
}


interface Neighbour {
  key: string;
  /** True for a replica of the server read, false for its source. */
  replica: boolean;
}

/** Where to go next: up through the replica status, down through the replica list and the process list. */
export function neighbours(r: ServerReading, warnings: string[]): Neighbour[] {
  const out: Neighbour[] = [];
  // why: every channel's source belongs to the topology, although the model keeps one edge.
  for (const row of r.replicaStatus) {
    const host = str(pick(row, 'Source_Host', 'Master_Host'));
    const port = num(pick(row, 'Source_Port', 'Master_Port'));
    if (host !== '' && port !== undefined && port > 0 && !out.some((o) => o.key === hostKey(host, port))) {
      out.push({ key: hostKey(host, port), replica: false });
    }
  }
  if (r.replicaStatus.length > 1) {
    const names = r.replicaStatus.map((row) => `"${str(pick(row, 'Channel_Name', 'Connection_name'))}"`).join(', ');
    warnings.push(`${r.key} replicates through ${r.replicaStatus.length} channels (${names}); its source is taken from "${str(pick(primaryChannel(r.replicaStatus)!, 'Channel_Name', 'Connection_name'))}"`);
  }
  const reportedHosts: string[] = [];
  for (const h of r.replicaHosts ?? []) {
    const host = str(h.Host);
    const port = num(h.Port);
    if (host === '' || port === undefined || port === 0) continue;
    reportedHosts.push(canonicalHost(host) ?? host.toLowerCase());
    out.push({ key: hostKey(host, port), replica: true });
  }
  // why: a replica without report_host is missing from SHOW SLAVE HOSTS but still has a dump
  // thread; its server port is unknown, so assume the source's own port, as orchestrator does.
  if (r.dumpThreads && r.dumpThreads.length > reportedHosts.length) {
    const counts = new Map<string, number>();
    for (const client of r.dumpThreads) {
      const ip = clientAddress(client);
      if (ip !== undefined) counts.set(ip, (counts.get(ip) ?? 0) + 1);
    }
    for (const [ip, n] of [...counts].sort()) {
      if (n <= reportedHosts.filter((h) => h === ip).length) continue;
      const key = hostKey(ip, r.port);
      if (key === r.key || out.some((o) => o.key === key)) continue;
      warnings.push(`${r.key}: a replica at ${ip} does not report its port (set report_host/report_port); trying ${key}`);
      out.push({ key, replica: true });
    }
  }
  return out;
}

/** `10.0.0.5:51534` → `10.0.0.5`; `[::1]:5000` / `::1:5000` → `::1`. */
function clientAddress(client: string): string | undefined {
  const bracketed = /^\[(.+)\]:\d+$/.exec(client);
  const i = client.lastIndexOf(':');
  const host = bracketed ? bracketed[1]! : i < 0 ? client : client.slice(0, i);
  return host === '' || host === 'localhost' ? undefined : (canonicalHost(host) ?? host.toLowerCase());
}

/**
 * The host and port of a key discovery made from what a server reported (`formatHostKey`), also
 * when the host is no host name at all: such a server is recorded, as unreachable.
 */
export function keyParts(key: string): { host: string; port: number } {
  const parsed = parseHostKey(key, 3306);
  if (parsed) return parsed;
  const bracketed = /^\[(.*)\]:([0-9]+)$/s.exec(key);
  if (bracketed) return { host: bracketed[1]!, port: Number(bracketed[2]) };
  const i = key.lastIndexOf(':');
  return { host: key.slice(0, i), port: Number(key.slice(i + 1)) };
}
