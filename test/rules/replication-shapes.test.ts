import { describe, expect, it } from 'vitest';
import { checkLive } from '../../src/check.js';
import type { Finding } from '../../src/findings.js';
import { analyze } from '../../src/lint.js';
import { makeTopology, type Instance } from '../../src/topology/model.js';
import { loadCase, runCase } from './harness.js';

// Severities and messages of the replication-shape rules; the fixtures check where they fire.

const of = (rule: string, name: string): Finding[] => runCase(loadCase(rule, name)).findings.filter((f) => f.ruleId === rule);

describe('live-replication-cycle', () => {
  it('two writable co-primaries: an error on each, naming the ring and both writers', () => {
    const fs = of('live-replication-cycle', 'invalid-co-primaries-both-writable');
    expect(fs.map((f) => [f.line, f.severity])).toEqual([[6, 'error'], [7, 'error']]);
    expect(fs[0]!.message).toContain('db1:3306 → db2:3306 → db1:3306');
    expect(fs[0]!.message).toContain('db1:3306, db2:3306 are all writable');
  });

  it('read-only co-primaries and a ring with an unreadable member are errors', () => {
    expect(of('live-replication-cycle', 'invalid-co-primaries-both-read-only').map((f) => f.severity)).toEqual(['error', 'error']);
    const unread = of('live-replication-cycle', 'invalid-ring-with-unreadable-member');
    expect(unread.map((f) => f.severity)).toEqual(['error', 'error']);
    expect(unread[0]!.message).toContain('db2:3306 could not be read');
  });

  it('a ring of three with one writable member is a warning on each member, in data-flow order', () => {
    const fs = of('live-replication-cycle', 'invalid-ring-of-three');
    expect(fs.map((f) => f.severity)).toEqual(['warning', 'warning', 'warning']);
    expect(fs[0]!.message).toContain('db1:3306 → db2:3306 → db3:3306 → db1:3306');
    expect(fs[0]!.message).toContain('only db1:3306 is writable');
  });

  it('a ring of undeclared hosts only is reported on "hosts"', () => {
    const inst = (name: string, source: string | undefined, rw: boolean): Instance => ({
      key: `${name}:3306`, host: name, port: 3306, reachable: true, readOnly: !rw,
      ...(source ? { source: `${source}:3306` } : {}),
    });
    const topology = makeTopology([inst('db1', 'db8', false), inst('db8', 'db9', true), inst('db9', 'db8', true)], { kind: 'mysql', detail: 'test' });
    const text = 'kind: cluster\nname: shop\nprimary: db1:3306\nhosts:\n  db1:3306: { dc: dc1 }\n';
    const fs = checkLive(analyze([{ path: 'c.yaml', text }]), () => topology).filter((f) => f.ruleId === 'live-replication-cycle');
    expect(fs.map((f) => [f.line, f.severity])).toEqual([[4, 'error']]);
    expect(fs[0]!.message).toContain('db8:3306 → db9:3306 → db8:3306');
  });
});

describe('live-replica-source-unreachable', () => {
  it('a candidate: an error quoting the IO error, not a generic "broken replication"', () => {
    const c = loadCase('live-replica-source-unreachable', 'invalid-candidate-connecting-with-error');
    const all = runCase(c).findings;
    const [f] = all.filter((x) => x.ruleId === 'live-replica-source-unreachable');
    expect(f!.severity).toBe('error');
    expect(f!.message).toContain('db2:3306 cannot reach its source: its IO thread is still connecting to db1:3306');
    expect(f!.message).toContain(`last IO error: error 2003: error connecting to master 'repl@db1:3306'`);
    expect(f!.message).toContain('not fit for promotion');
    expect(all.filter((x) => x.ruleId === 'live-candidate-replication-broken' || x.ruleId === 'live-replica-replication-broken')).toEqual([]);
  });

  it('a non-candidate without an error yet: a warning that says so', () => {
    const [f] = of('live-replica-source-unreachable', 'invalid-non-candidate-connecting-without-error');
    expect(f!.severity).toBe('warning');
    expect(f!.message).toContain('no error reported yet');
  });

  it('adds discovery\'s own error when the source could not be read either', () => {
    const [f] = of('live-replica-source-unreachable', 'invalid-source-down');
    expect(f!.message).toContain('succession could not read db2:3306 either (connection refused)');
  });

  it('quotes an error that comes without its number', () => {
    const [f] = of('live-replica-source-unreachable', 'invalid-orchestrator-text-only');
    expect(f!.message).toContain(`last IO error: error connecting to master 'repl@db1:3306'`);
    expect(f!.message).toContain('(using password: YES)');
  });
});

describe('an IO thread that gave up connecting', () => {
  it('is a source out of reach, not a stopped stream, for a candidate', () => {
    const all = runCase(loadCase('live-replica-source-unreachable', 'invalid-retries-exhausted')).findings;
    const [f] = all.filter((x) => x.ruleId === 'live-replica-source-unreachable');
    expect(f!.severity).toBe('error');
    expect(f!.message).toContain('its IO thread gave up connecting to db1:3306 and stopped; last IO error: error 2003');
    expect(all.filter((x) => x.ruleId === 'live-candidate-replication-broken')).toEqual([]);
  });

  it('beside a failed SQL thread: each is reported once, by its own rule', () => {
    const all = runCase(loadCase('live-replica-replication-broken', 'invalid-sql-failed-beside-unreachable-source')).findings;
    const unreachable = all.filter((x) => x.ruleId === 'live-replica-source-unreachable');
    const broken = all.filter((x) => x.ruleId === 'live-replica-replication-broken');
    expect(unreachable.map((f) => f.severity)).toEqual(['warning']);
    expect(unreachable[0]!.message).toContain("last IO error: error 1045: Access denied for user 'repl'@'db3' (using password: YES)");
    expect(broken.map((f) => f.severity)).toEqual(['warning']);
    expect(broken[0]!.message).toContain("SQL thread stopped; SQL error 1146: Error executing row event: 'Table 'shop.t' doesn't exist'");
    expect(broken[0]!.message).not.toContain('IO');
  });
});

describe('live-replica-replication-broken', () => {
  it('a non-candidate stopped on an error: a warning with the error text', () => {
    const [f] = of('live-replica-replication-broken', 'invalid-duplicate-key');
    expect(f!.severity).toBe('warning');
    expect(f!.message).toContain("SQL thread stopped; SQL error 1062: Could not execute Write_rows_v1 event on table shop.orders; Duplicate entry '4711'");
  });

  it('an IO thread stopped on an error says the replica no longer acknowledges semi-sync writes', () => {
    const [f] = of('live-replica-replication-broken', 'invalid-io-error-not-direct-replica');
    expect(f!.severity).toBe('warning');
    expect(f!.message).toContain('IO thread stopped; IO error 1236');
    expect(f!.message).toContain('acknowledges no semi-sync writes');
  });

  it('stopped without an error (STOP SLAVE): info, not silence', () => {
    const [f] = of('live-replica-replication-broken', 'invalid-must-not-stopped-by-hand');
    expect(f!.severity).toBe('info');
    expect(f!.message).toContain('IO thread stopped; SQL thread stopped');
  });

  it('an error text without its number still counts as an error', () => {
    const [f] = of('live-replica-replication-broken', 'invalid-orchestrator-text-only');
    expect(f!.severity).toBe('warning');
    expect(f!.message).toContain("SQL Error 'Table 'shop.t' doesn't exist'");
  });

  it('a password quoted in the failed statement never reaches the message', () => {
    const secret = 'Sup3r-Secret-pw';
    const replica = (sqlError: string): Instance => ({
      key: 'db3:3306', host: 'db3', port: 3306, reachable: true, readOnly: true, source: 'db1:3306',
      replication: {
        sourceHost: 'db1', sourcePort: 3306, ioThread: 'yes', sqlThread: 'no', lastIoErrno: 0, lastIoError: '',
        lastSqlErrno: 1396, lastSqlError: sqlError, lagSeconds: null, sqlDelay: 0, sqlRemainingDelay: null, usingGtid: 'Slave_Pos', hasFilters: false,
      },
    });
    const topology = makeTopology(
      [{ key: 'db1:3306', host: 'db1', port: 3306, reachable: true, readOnly: false }, replica(`Error 'Operation CREATE USER failed for 'app'@'%'' on query. Default database: ''. Query: 'CREATE USER 'app'@'%' IDENTIFIED BY '${secret}''`)],
      { kind: 'mysql', detail: 'test' },
    );
    const text = 'kind: cluster\nname: shop\nprimary: db1:3306\nhosts:\n  db1:3306: { dc: dc1 }\n  db3:3306: { dc: dc1, role: backup }\n';
    const fs = checkLive(analyze([{ path: 'c.yaml', text }]), () => topology);
    const f = fs.find((x) => x.ruleId === 'live-replica-replication-broken')!;
    expect(f.message).toContain("IDENTIFIED BY '*****'");
    expect(JSON.stringify(fs)).not.toContain(secret);
  });
});
