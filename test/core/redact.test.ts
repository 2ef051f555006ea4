import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/topology/redact.js';
import { parseSnapshot } from '../../src/topology/snapshot.js';

describe('redactSecrets', () => {
  it.each([
    [`Error 'Operation CREATE USER failed' on query. Default database: ''. Query: 'CREATE USER 'app'@'%' IDENTIFIED BY 'Hunter2-s3cret''`, 'Hunter2-s3cret'],
    [`Query: 'GRANT ALL ON *.* TO x IDENTIFIED BY PASSWORD '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19''`, '2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19'],
    [`Query: 'ALTER USER app IDENTIFIED WITH mysql_native_password BY "pa55\\"word"'`, 'pa55'],
    [`Query: 'CREATE USER app IDENTIFIED VIA ed25519 USING PASSWORD('Gr33n-tea')'`, 'Gr33n-tea'],
    [`Query: 'SET PASSWORD FOR app = PASSWORD('0ld-one')'`, '0ld-one'],
    [`Query: 'CHANGE MASTER TO MASTER_HOST='db1', MASTER_PASSWORD='r3pl-pw', MASTER_PORT=3306'`, 'r3pl-pw'],
    [`connect: SOURCE_PASSWORD = unquoted-pw;`, 'unquoted-pw'],
    [`dial mysql://repl:T0ps3cret@db1:3306/: refused`, 'T0ps3cret'],
  ])('removes the secret from %s', (text, secret) => {
    const out = redactSecrets(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('*****');
  });

  it('keeps what is not a secret, including "(using password: YES)" and the statement around a password', () => {
    const denied = `error connecting to master 'repl@db1:3306' - retry-time: 60 message: Access denied for user 'repl'@'db2' (using password: YES)`;
    expect(redactSecrets(denied)).toBe(denied);
    expect(redactSecrets(`Duplicate entry '4711' for key 'PRIMARY'`)).toBe(`Duplicate entry '4711' for key 'PRIMARY'`);
    expect(redactSecrets(`CHANGE MASTER TO MASTER_HOST='db1', MASTER_PASSWORD='x', MASTER_PORT=3306`)).toBe(
      `CHANGE MASTER TO MASTER_HOST='db1', MASTER_PASSWORD='*****', MASTER_PORT=3306`,
    );
  });
});

describe('every topology source passes through the redaction', () => {
  it('a snapshot whose error texts carry passwords is read without them', () => {
    const snap = {
      format: 1,
      origin: { kind: 'mysql', detail: 'mysql://db1:3306' },
      instances: [
        { key: 'db1:3306', host: 'db1', port: 3306, reachable: false, error: 'dial mysql://root:R00t-pw@db1:3306 refused' },
        {
          key: 'db2:3306', host: 'db2', port: 3306, reachable: true, source: 'db1:3306', metaError: "SET PASSWORD = 'M3ta-pw'",
          orchestratorUser: { user: 'orc', error: "ALTER USER orc IDENTIFIED BY 'Orc-pw'" },
          replication: {
            sourceHost: 'db1', sourcePort: 3306, ioThread: 'no', sqlThread: 'no', lastIoError: "MASTER_PASSWORD='Io-pw'", lastSqlErrno: 1396,
            lastSqlError: "Query: 'CREATE USER x IDENTIFIED BY 'Sql-pw''", lagSeconds: null, sqlDelay: 0, sqlRemainingDelay: null, usingGtid: 'Slave_Pos', hasFilters: false,
          },
        },
      ],
    };
    const t = parseSnapshot('topology.json', JSON.stringify(snap));
    const text = JSON.stringify(t);
    for (const secret of ['R00t-pw', 'M3ta-pw', 'Orc-pw', 'Io-pw', 'Sql-pw']) expect(text).not.toContain(secret);
    expect(t.unreachable).toEqual([{ key: 'db1:3306', error: 'dial mysql://root:*****@db1:3306 refused' }]);
    expect(t.instances[1]!.replication!.lastSqlError).toBe("Query: 'CREATE USER x IDENTIFIED BY '*****''");
  });
});
