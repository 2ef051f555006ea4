import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDatacenterQuery, discover } from '../../src/topology/mysql.js';
import { neighbours } from '../../src/topology/mysql-graph.js';
import { describeError, scrub } from '../../src/topology/mysql-connection.js';
import { toInstance, type ServerReading } from '../../src/topology/mysql-reading.js';
import { freePort } from '../live/topology.js';
import { startFakeMysql } from './fake-mysql.js';
import { resolveCredentials } from '../../src/topology/credentials.js';

const vars = (o: Record<string, string>): Map<string, string> => new Map(Object.entries(o));

/** MySQL 8.0.36 with the 8.0.26+ semi-sync plugins and the 8.0.22+ replica status names. */
const mysql80: ServerReading = {
  key: 'db-2:3306', host: 'db-2', port: 3306,
  variables: vars({
    version: '8.0.36', version_comment: 'MySQL Community Server - GPL', server_id: '2', server_uuid: '6a1f0c8e-1b2c-11ee-9d51-0242ac120003', report_host: 'db-2',
    read_only: 'ON', super_read_only: 'ON', log_bin: 'ON', log_slave_updates: 'ON', log_replica_updates: 'ON', binlog_format: 'ROW',
    gtid_mode: 'ON', gtid_executed: '5e9d2a10-1b2c-11ee-9c3a-0242ac120002:1-1234567,\n6a1f0c8e-1b2c-11ee-9d51-0242ac120003:1-5',
    rpl_semi_sync_source_enabled: 'OFF', rpl_semi_sync_source_timeout: '10000', rpl_semi_sync_source_wait_for_replica_count: '2',
    rpl_semi_sync_source_wait_point: 'AFTER_SYNC', rpl_semi_sync_replica_enabled: 'ON',
  }),
  status: vars({ rpl_semi_sync_source_status: 'OFF', rpl_semi_sync_source_clients: '0', rpl_semi_sync_replica_status: 'ON' }),
  replicaStatus: [{
    Replica_IO_State: 'Waiting for source to send event', Source_Host: 'DB-1', Source_Port: 3306, Replica_IO_Running: 'Yes', Replica_SQL_Running: 'No',
    Replicate_Do_DB: 'app, billing', Replicate_Ignore_DB: '', Replicate_Do_Table: '', Replicate_Ignore_Table: '', Replicate_Wild_Do_Table: '',
    Replicate_Wild_Ignore_Table: 'tmp.%', Last_IO_Errno: 0, Last_IO_Error: '', Last_SQL_Errno: 1032, Last_SQL_Error: "Could not execute Update_rows event",
    Seconds_Behind_Source: null, Source_Server_Id: 1, SQL_Delay: 0, SQL_Remaining_Delay: null, Auto_Position: 1, Channel_Name: '',
    Replicate_Ignore_Server_Ids: '',
  }],
  replicaHosts: [],
  dumpThreads: [],
};

/** MySQL 5.7 with the old plugins: master/slave names everywhere. */
const mysql57: ServerReading = {
  key: 'db-3:3306', host: 'db-3', port: 3306,
  variables: vars({
    // report_host NULL (never set) arrives as ''.
    version: '5.7.44-log', version_comment: 'Percona Server (GPL), Release 48', server_id: '3', server_uuid: '7b2f', report_host: '', read_only: 'OFF',
    super_read_only: 'OFF', log_bin: 'ON', log_slave_updates: 'OFF', binlog_format: 'MIXED', gtid_mode: 'OFF', gtid_executed: '',
    rpl_semi_sync_master_enabled: 'ON', rpl_semi_sync_master_wait_for_slave_count: '1', rpl_semi_sync_master_timeout: '1000',
  }),
  status: vars({ rpl_semi_sync_master_status: 'ON', rpl_semi_sync_master_clients: '3' }),
  replicaStatus: [],
  replicaHosts: [{ Server_id: 4, Host: '', Port: 3306, Master_id: 3 }, { Server_id: 5, Host: 'db-5', Port: 3307, Master_id: 3 }],
  dumpThreads: ['10.0.0.4:51000', '10.0.0.5:51002'],
};

describe('interpreting server rows', () => {
  it('MySQL 8.0: new column and variable names', () => {
    const i = toInstance(mysql80);
    expect(i).toMatchObject({ flavor: 'mysql', serverId: 2, reportHost: 'db-2', readOnly: true, superReadOnly: true, logBin: true, logReplicaUpdates: true, source: 'db-1:3306' });
    expect(i.gtid).toEqual({ flavor: 'mysql', mode: 'ON', executed: '5e9d2a10-1b2c-11ee-9c3a-0242ac120002:1-1234567,6a1f0c8e-1b2c-11ee-9d51-0242ac120003:1-5' });
    expect(i.replication).toMatchObject({ sourceHost: 'DB-1', sourceServerId: 1, ioThread: 'yes', sqlThread: 'no', lastSqlErrno: 1032, lagSeconds: null, usingGtid: 'auto', hasFilters: true });
    expect(i.replication!.filters).toMatchObject({ doDb: ['app', 'billing'], wildIgnoreTable: ['tmp.%'], ignoreDb: [] });
    expect(i.semiSync).toEqual({ names: 'source/replica', sourceEnabled: false, replicaEnabled: true, sourceStatus: false, replicaStatus: true, clients: 0, waitForReplicaCount: 2, timeoutMs: 10000, waitPoint: 'AFTER_SYNC' });
  });

  it('MySQL 5.7 / Percona: old names, no replica status, Percona from the version comment', () => {
    const i = toInstance(mysql57);
    expect(i).toMatchObject({ flavor: 'percona', reportHost: '', readOnly: false, logReplicaUpdates: false, binlogFormat: 'MIXED' });
    expect(i.version).toEqual({ text: '5.7.44-log', major: 5, minor: 7, patch: 44 });
    expect(i.source).toBeUndefined();
    expect(i.replication).toBeUndefined();
    expect(i.semiSync).toEqual({ names: 'master/slave', sourceEnabled: true, replicaEnabled: false, sourceStatus: true, clients: 3, waitForReplicaCount: 1, timeoutMs: 1000 });
  });

  it('walks down through reported replicas, and guesses the port of one that reports none', () => {
    const warnings: string[] = [];
    expect(neighbours(mysql57, warnings)).toEqual([
      { key: 'db-5:3307', replica: true },
      { key: '10.0.0.4:3306', replica: true },
      { key: '10.0.0.5:3306', replica: true },
    ]);
    expect(warnings[0]).toMatch(/^db-3:3306: a replica at 10\.0\.0\.4 does not report its port/);
    expect(neighbours(mysql80, [])).toEqual([{ key: 'db-1:3306', replica: false }]);
  });

  it('reads replicas and dump-thread clients in any spelling of their address as one host each', () => {
    const reading: ServerReading = {
      ...mysql57,
      replicaHosts: [{ Server_id: 4, Host: '127.0.0.4', Port: 3306, Master_id: 3 }, { Server_id: 6, Host: '0:0:0:0:0:0:0:6', Port: 3306, Master_id: 3 }],
      // The same two replicas as the server sees their connections (IPv4-mapped, compressed), and one more.
      dumpThreads: ['[::ffff:127.0.0.4]:51000', '[::6]:51001', '::ffff:127.0.0.5:51002'],
    };
    const warnings: string[] = [];
    expect(neighbours(reading, warnings)).toEqual([
      { key: '127.0.0.4:3306', replica: true },
      { key: '[::6]:3306', replica: true },
      { key: '127.0.0.5:3306', replica: true },
    ]);
    expect(warnings).toEqual(['db-3:3306: a replica at 127.0.0.5 does not report its port (set report_host/report_port); trying 127.0.0.5:3306']);
  });

  it('never puts the password in an error message', () => {
    const e = Object.assign(new Error("Access denied for user 'topo'@'10.0.0.1' (using password: s3cret!)"), { code: 'ER_ACCESS_DENIED_ERROR' });
    expect(describeError(e, 's3cret!', 1000, 1000)).toBe("Access denied for user 'topo'@'10.0.0.1' (using password: *****)");
    expect(describeError(Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }), 'x', 750, 1000)).toBe('no answer within 750 ms (connect timeout)');
    expect(scrub('abc', undefined)).toBe('abc');
  });

  it('accepts a single SELECT as the data-center query, nothing else', () => {
    expect(checkDatacenterQuery('SELECT dc FROM meta.cluster_info WHERE port=@@port;')).toBeUndefined();
    expect(checkDatacenterQuery('select 1')).toBeUndefined();
    expect(checkDatacenterQuery('UPDATE meta.x SET a=1')).toBe('the data-center query must be a SELECT statement');
    expect(checkDatacenterQuery('SELECT 1; DROP TABLE t')).toBe('the data-center query must be a single statement');
    expect(checkDatacenterQuery("SELECT dc FROM meta.x INTO OUTFILE '/tmp/x'")).toMatch(/must not write a file/);
    expect(checkDatacenterQuery('SELECT dc FROM meta.x FOR UPDATE')).toMatch(/must not take locks/);
    expect(checkDatacenterQuery('SELECT dc FROM meta.x LOCK IN SHARE MODE')).toMatch(/must not take locks/);
  });
});

describe('credentials', () => {
  it('come from MYSQL_USER / MYSQL_PWD, or from the [client] section of a defaults file', () => {
    expect(resolveCredentials({ MYSQL_USER: 'topo', MYSQL_PWD: 'pw' }, { noDefaults: true })).toEqual({ user: 'topo', password: 'pw' });
    const dir = mkdtempSync(join(tmpdir(), 'succession-cred-'));
    try {
      const f = join(dir, 'my.cnf');
      writeFileSync(f, '!includedir /etc/mysql/conf.d/\n[mysqld]\nuser = mysql\n[client]\nuser = monitor\npassword = "a;b#c"\nskip-ssl\n');
      expect(resolveCredentials({ MYSQL_USER: 'x', MYSQL_PWD: 'y' }, { defaultsFile: f })).toEqual({ user: 'monitor', password: 'a;b#c' });
      writeFileSync(f, '[client]\nport = 3306\n');
      expect(resolveCredentials({ MYSQL_USER: 'x', MYSQL_PWD: 'y' }, { defaultsFile: f })).toEqual({ user: 'x', password: 'y' });
      writeFileSync(f, '[client]\npassword\n');
      expect(() => resolveCredentials({}, { defaultsFile: f })).toThrow(`${f}:2: "password" has no value (prompting for a password is not supported)`);
      expect(() => resolveCredentials({}, { defaultsFile: join(dir, 'missing.cnf') })).toThrow(/cannot read option file .*missing\.cnf: no such file or directory/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a server that hangs after the handshake', () => {
  it('is reported after the query timeout, and the walk goes on', async () => {
    const hanging = await startFakeMysql('8.0.36', () => undefined);
    try {
      const refused = await freePort();
      const r = await discover({
        seeds: [`127.0.0.1:${hanging.port}`, `127.0.0.1:${refused}`],
        credentials: { user: 'topo', password: 'Hidden-pw-1' },
        connectTimeoutMs: 2000,
        queryTimeoutMs: 300,
      });
      expect(hanging.queries).toHaveLength(1);
      expect(r.topology.unreachable).toEqual(
        [
          { key: `127.0.0.1:${hanging.port}`, error: 'a query got no answer within 300 ms (query timeout)' },
          { key: `127.0.0.1:${refused}`, error: 'connection refused' },
        ].sort((a, b) => Number(a.key.split(':')[1]) - Number(b.key.split(':')[1])),
      );
    } finally {
      hanging.close();
    }
  });
});
