import { afterEach, describe, expect, it } from 'vitest';
import { discover, STATEMENTS } from '../../src/topology/mysql.js';
import { startFakeMysql, table, variables, type Answer, type FakeMysql } from './fake-mysql.js';

/**
 * Discovery over the wire against stand-ins for MySQL 8.0 and 5.7 (the machine has MariaDB only):
 * the statements chosen per version, the old and new column names, and partial failures.
 */

const REPLICA_COLUMNS_NEW = ['Replica_IO_State', 'Source_Host', 'Source_Port', 'Replica_IO_Running', 'Replica_SQL_Running', 'Last_IO_Errno', 'Last_IO_Error', 'Last_SQL_Errno', 'Last_SQL_Error', 'Seconds_Behind_Source', 'Source_Server_Id', 'SQL_Delay', 'SQL_Remaining_Delay', 'Auto_Position', 'Channel_Name'];
const REPLICA_COLUMNS_OLD = ['Slave_IO_State', 'Master_Host', 'Master_Port', 'Slave_IO_Running', 'Slave_SQL_Running', 'Last_IO_Errno', 'Last_IO_Error', 'Last_SQL_Errno', 'Last_SQL_Error', 'Seconds_Behind_Master', 'Master_Server_Id', 'SQL_Delay', 'SQL_Remaining_Delay', 'Auto_Position'];

interface Fake {
  version: string;
  vars: Record<string, string>;
  status: Record<string, string>;
  replicaStatus?: Answer;
  replicas?: Answer;
}

function server(f: Fake): (sql: string) => Answer {
  return (sql) => {
    if (sql === STATEMENTS.variables) return variables({ version: f.version, ...f.vars });
    if (sql === STATEMENTS.status) return variables(f.status);
    if (sql === STATEMENTS.replicaStatusNew || sql === STATEMENTS.replicaStatusOld) return f.replicaStatus ?? { columns: ['Source_Host'], rows: [] };
    if (sql === STATEMENTS.replicasNew || sql === STATEMENTS.replicasOld) return f.replicas ?? { columns: ['Server_id', 'Host', 'Port'], rows: [] };
    if (sql === STATEMENTS.dumpThreads) return { columns: ['HOST'], rows: [] };
    return { errno: 1064, message: `You have an error in your SQL syntax near '${sql}'` };
  };
}

describe('discovery over the MySQL protocol', () => {
  const fakes: FakeMysql[] = [];
  afterEach(() => {
    for (const f of fakes.splice(0)) f.close();
  });
  const ports = { source: 0, replica: 0 };

  it('MySQL 8.0.36: SHOW REPLICA STATUS / SHOW REPLICAS and the source/replica names', async () => {
    const source = await startFakeMysql('8.0.36', (sql) => server({
      version: '8.0.36',
      vars: { server_id: '1', server_uuid: '5e9d2a10-1b2c-11ee-9c3a-0242ac120002', read_only: 'OFF', super_read_only: 'OFF', log_bin: 'ON', log_replica_updates: 'ON', gtid_mode: 'ON', gtid_executed: '5e9d2a10-1b2c-11ee-9c3a-0242ac120002:1-42', rpl_semi_sync_source_enabled: 'ON', rpl_semi_sync_source_wait_for_replica_count: '1', rpl_semi_sync_source_timeout: '10000' },
      status: { Rpl_semi_sync_source_status: 'ON', Rpl_semi_sync_source_clients: '1' },
      replicas: table(['Server_Id', 'Host', 'Port', 'Source_Id', 'Replica_UUID'], [{ Server_Id: '2', Host: '127.0.0.1', Port: String(ports.replica), Source_Id: '1', Replica_UUID: 'x' }]),
    })(sql));
    const replica = await startFakeMysql('8.0.36', (sql) => server({
      version: '8.0.36',
      vars: { server_id: '2', read_only: 'ON', super_read_only: 'ON', log_bin: 'ON', log_replica_updates: 'ON', gtid_mode: 'ON', gtid_executed: '5e9d2a10-1b2c-11ee-9c3a-0242ac120002:1-42', rpl_semi_sync_replica_enabled: 'ON' },
      status: { Rpl_semi_sync_replica_status: 'ON' },
      replicaStatus: table(REPLICA_COLUMNS_NEW, [{ Source_Host: '127.0.0.1', Source_Port: String(ports.source), Replica_IO_Running: 'Yes', Replica_SQL_Running: 'Yes', Last_IO_Errno: '0', Last_IO_Error: '', Last_SQL_Errno: '0', Last_SQL_Error: '', Seconds_Behind_Source: '0', Source_Server_Id: '1', SQL_Delay: '0', SQL_Remaining_Delay: null, Auto_Position: '1', Channel_Name: '' }]),
    })(sql));
    fakes.push(source, replica);
    ports.source = source.port;
    ports.replica = replica.port;
    const { topology, warnings } = await discover({ seeds: [`127.0.0.1:${replica.port}`], credentials: { user: 'u', password: 'p' } });
    expect(warnings).toEqual([]);
    expect(topology.unreachable).toEqual([]);
    const s = topology.instances.find((i) => i.port === source.port)!;
    const r = topology.instances.find((i) => i.port === replica.port)!;
    expect(r.source).toBe(`127.0.0.1:${source.port}`);
    expect(s.source).toBeUndefined();
    expect(r.replication).toMatchObject({ ioThread: 'yes', sqlThread: 'yes', lagSeconds: 0, usingGtid: 'auto', sourceServerId: 1 });
    expect(s.semiSync).toMatchObject({ names: 'source/replica', sourceEnabled: true, sourceStatus: true, clients: 1, waitForReplicaCount: 1 });
    expect(r.semiSync).toMatchObject({ names: 'source/replica', replicaEnabled: true, replicaStatus: true });
    expect(s).toMatchObject({ flavor: 'mysql', superReadOnly: false, serverUuid: '5e9d2a10-1b2c-11ee-9c3a-0242ac120002' });
    for (const f of [source, replica]) {
      expect(f.queries).toContain('SHOW REPLICA STATUS');
      expect(f.queries).toContain('SHOW REPLICAS');
      expect(f.queries.filter((q) => /SLAVE/.test(q))).toEqual([]);
    }
  });

  it('MySQL 5.7: SHOW SLAVE STATUS / SHOW SLAVE HOSTS; a privilege error is a warning, scrubbed of the password', async () => {
    const secret = 'Pa55-in-error';
    const source = await startFakeMysql('5.7.44-log', (sql) => {
      if (sql === STATEMENTS.replicasOld) return { errno: 1227, message: `Access denied; you need (at least one of) the REPLICATION SLAVE privilege(s) [${secret}]` };
      return server({ version: '5.7.44-log', vars: { server_id: '1', read_only: 'OFF', rpl_semi_sync_master_enabled: 'ON', rpl_semi_sync_master_wait_for_slave_count: '1' }, status: { Rpl_semi_sync_master_status: 'ON', Rpl_semi_sync_master_clients: '1' } })(sql);
    });
    const replica = await startFakeMysql('5.7.44-log', (sql) => server({
      version: '5.7.44-log',
      vars: { server_id: '2', read_only: 'ON', log_slave_updates: 'ON', rpl_semi_sync_slave_enabled: 'ON' },
      status: { Rpl_semi_sync_slave_status: 'ON' },
      replicaStatus: table(REPLICA_COLUMNS_OLD, [{ Master_Host: '127.0.0.1', Master_Port: String(ports.source), Slave_IO_Running: 'Connecting', Slave_SQL_Running: 'Yes', Last_IO_Errno: '2003', Last_IO_Error: "error connecting to master", Last_SQL_Errno: '0', Last_SQL_Error: '', Seconds_Behind_Master: null, Master_Server_Id: '0', SQL_Delay: '3600', SQL_Remaining_Delay: null, Auto_Position: '0' }]),
    })(sql));
    fakes.push(source, replica);
    ports.source = source.port;
    const { topology, warnings } = await discover({ seeds: [`127.0.0.1:${replica.port}`], credentials: { user: 'u', password: secret } });
    expect(topology.instances.map((i) => i.port).sort()).toEqual([source.port, replica.port].sort());
    const r = topology.instances.find((i) => i.port === replica.port)!;
    expect(r.replication).toMatchObject({ ioThread: 'connecting', lastIoErrno: 2003, lagSeconds: null, sqlDelay: 3600, usingGtid: 'No' });
    expect(r.replication!.sourceServerId).toBeUndefined();
    expect(r).toMatchObject({ logReplicaUpdates: true, semiSync: { names: 'master/slave', replicaEnabled: true } });
    expect(warnings).toEqual([`127.0.0.1:${source.port}: cannot list replicas (Access denied; you need (at least one of) the REPLICATION SLAVE privilege(s) [*****])`]);
    expect(source.queries).toContain('SHOW SLAVE STATUS');
    expect(source.queries).toContain('SHOW SLAVE HOSTS');
    expect(source.queries.filter((q) => /REPLICA/.test(q))).toEqual([]);
  });

  it("with orchestrator's credentials: its SHOW GRANTS on each server, MySQL 8.0 forms; a failure is recorded, scrubbed of its password", async () => {
    const secret = 'Orc#pw;1';
    const admin = await startFakeMysql('8.0.36', (sql) =>
      sql === STATEMENTS.grants
        ? { columns: ['Grants for orc@%'], rows: [['GRANT RELOAD, PROCESS, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `orc`@`%`'], ['GRANT REPLICATION_SLAVE_ADMIN,SYSTEM_VARIABLES_ADMIN ON *.* TO `orc`@`%`']] }
        : server({ version: '8.0.36', vars: { server_id: '1' }, status: {} })(sql),
    );
    const failing = await startFakeMysql('8.0.36', (sql) =>
      sql === STATEMENTS.grants ? { errno: 1045, message: `Access denied for user 'orc'@'127.0.0.1' [${secret}]` } : server({ version: '8.0.36', vars: { server_id: '2' }, status: {} })(sql),
    );
    fakes.push(admin, failing);
    const { topology } = await discover({ seeds: [`127.0.0.1:${admin.port}`, `127.0.0.1:${failing.port}`], credentials: { user: 'u', password: 'p' }, orchestratorCredentials: { user: 'orc', password: secret } });
    expect(topology.instances.find((i) => i.port === admin.port)?.orchestratorUser).toEqual({
      user: 'orc',
      may: { replication: true, readOnly: true, semiSyncSource: true, semiSyncReplica: true },
      missing: [],
    });
    expect(topology.instances.find((i) => i.port === failing.port)?.orchestratorUser).toEqual({ user: 'orc', error: "Access denied for user 'orc'@'127.0.0.1' [*****]" });
    expect(admin.queries.filter((q) => q === STATEMENTS.grants)).toHaveLength(1);
  });

  it('a server that drops the connection mid-walk is unreachable, not a string of warnings', async () => {
    const crashing = await startFakeMysql('8.0.36', (sql) => (sql === STATEMENTS.replicasNew ? 'disconnect' : server({ version: '8.0.36', vars: { server_id: '1' }, status: {} })(sql)));
    fakes.push(crashing);
    const { topology, warnings } = await discover({ seeds: [`127.0.0.1:${crashing.port}`], credentials: { user: 'u' } });
    expect(topology.unreachable).toEqual([{ key: `127.0.0.1:${crashing.port}`, error: 'connection lost' }]);
    expect(warnings).toEqual([]);
  });
});
