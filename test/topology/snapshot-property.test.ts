import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSnapshot, parseSnapshot } from '../../src/topology/snapshot.js';
import { hostKey, makeTopology, type Instance } from '../../src/topology/model.js';

const text = fc.string({ maxLength: 12, unit: 'binary' });
const count = fc.integer({ min: 0, max: 100_000 });
const list = fc.array(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 3 });
const host = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), fc.constantFrom('::1', '10.0.0.1', '127.0.0.1'));
const port = fc.integer({ min: 1, max: 65535 });
const thread = fc.constantFrom('yes', 'no', 'connecting') as fc.Arbitrary<'yes' | 'no' | 'connecting'>;
const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined });

const replication = fc.record(
  {
    sourceHost: host, sourcePort: port, sourceServerId: count, ioThread: thread, sqlThread: thread, lastIoErrno: count, lastIoError: text,
    lastSqlErrno: count, lastSqlError: text, lagSeconds: fc.option(count, { nil: null }), sqlDelay: count,
    sqlRemainingDelay: fc.option(count, { nil: null }), usingGtid: fc.constantFrom('No', 'Slave_Pos', 'Current_Pos', 'auto', 'gtid'), hasFilters: fc.boolean(),
    filters: fc.record({ doDb: list, ignoreDb: list, doTable: list, ignoreTable: list, wildDoTable: list, wildIgnoreTable: list, doDomainIds: list, ignoreDomainIds: list, ignoreServerIds: list }),
  },
  { requiredKeys: ['sourceHost', 'sourcePort', 'ioThread', 'sqlThread', 'lastIoError', 'lastSqlError', 'lagSeconds', 'sqlDelay', 'sqlRemainingDelay', 'usingGtid', 'hasFilters'] },
);

const semiSync = fc.record(
  {
    names: fc.constantFrom('master/slave', 'source/replica') as fc.Arbitrary<'master/slave' | 'source/replica'>, sourceEnabled: fc.boolean(), replicaEnabled: fc.boolean(),
    sourceStatus: fc.boolean(), replicaStatus: fc.boolean(), clients: count, waitForReplicaCount: count, timeoutMs: count, waitPoint: fc.constantFrom('AFTER_SYNC', 'AFTER_COMMIT'),
  },
  { requiredKeys: ['names', 'sourceEnabled', 'replicaEnabled'] },
);

const orchestratorUser = fc.oneof(
  fc.record({ user: text, error: text }),
  fc.record({
    user: text,
    may: fc.record({ replication: fc.boolean(), readOnly: fc.boolean(), semiSyncSource: fc.boolean(), semiSyncReplica: fc.boolean() }),
    missing: fc.array(fc.constantFrom('SUPER', 'RELOAD', 'READ_ONLY ADMIN', 'SYSTEM_VARIABLES_ADMIN'), { maxLength: 3 }),
  }),
);

const instance: fc.Arbitrary<Instance> = fc
  .record({
    host, port, reachable: fc.boolean(), error: opt(text), flavor: opt(fc.constantFrom('mysql', 'percona', 'mariadb') as fc.Arbitrary<'mysql' | 'percona' | 'mariadb'>),
    version: opt(fc.record({ text, major: count, minor: count, patch: count })), serverId: opt(count), serverUuid: opt(text), reportHost: opt(text), readOnly: opt(fc.boolean()),
    superReadOnly: opt(fc.boolean()), logBin: opt(fc.boolean()), logReplicaUpdates: opt(fc.boolean()), binlogFormat: opt(fc.constantFrom('ROW', 'MIXED')),
    gtid: opt(fc.record({ flavor: fc.constantFrom('mysql', 'mariadb') as fc.Arbitrary<'mysql' | 'mariadb'>, mode: fc.constantFrom('ON', 'OFF'), executed: text, binlogPos: text, slavePos: text, domainId: count, strictMode: fc.boolean() }, { requiredKeys: ['flavor', 'executed'] })),
    source: opt(fc.tuple(host, port).map(([h, p]) => hostKey(h, p))), replication: opt(replication), semiSync: opt(semiSync), dataCenter: opt(text),
    promotionRule: opt(fc.constantFrom('prefer', 'neutral', 'must_not')), semiSyncPriority: opt(count), orchestratorUser: opt(orchestratorUser),
  })
  .map((r) => {
    const inst: Record<string, unknown> = { key: hostKey(r.host, r.port) };
    for (const [k, v] of Object.entries(r)) if (v !== undefined) inst[k] = v;
    if (inst.source === inst.key) delete inst.source;
    return inst as unknown as Instance;
  });

describe('snapshot round trip (property)', () => {
  it('any topology reads back from its snapshot unchanged, and its text does not depend on input order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(instance, { selector: (i) => i.key, maxLength: 6 }), fc.boolean(), (instances, withTime) => {
        const t = makeTopology(instances, { kind: 'mysql', detail: 'mysql://seed:3306' }, withTime ? '2026-11-24T08:00:00Z' : undefined);
        const snap = formatSnapshot(t);
        expect(parseSnapshot('p.json', snap)).toEqual(t);
        expect(formatSnapshot(makeTopology([...instances].reverse(), t.origin, t.collectedAt))).toBe(snap);
      }),
      { numRuns: 200 },
    );
  });
});
