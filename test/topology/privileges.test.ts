import { describe, expect, it } from 'vitest';
import { parseVersion, type ServerVersion } from '../../src/topology/model.js';
import { globalPrivileges, interpretGrants, lackingFor } from '../../src/topology/privileges.js';

const v = (text: string): ServerVersion => parseVersion(text)!;
const MARIADB = v('10.11.19-MariaDB-0+deb12u1-log');
const HASH = "IDENTIFIED BY PASSWORD '*D821809F681A40A6E379B50D0463EFAE20BDD122'";
const ALL_MAY = { replication: true, readOnly: true, semiSyncSource: true, semiSyncReplica: true };

// The MariaDB rows are what SHOW GRANTS printed on MariaDB 10.11.19 for accounts set up that way;
// the MySQL rows follow the forms of the MySQL 8.0 / 5.7 reference manual.
describe('MariaDB 10.11', () => {
  it('the monitoring-only user of the observed failover can change nothing but the semi-sync source side', () => {
    const rows = [`GRANT SELECT, PROCESS, REPLICATION SLAVE, BINLOG MONITOR, REPLICATION MASTER ADMIN, SLAVE MONITOR ON *.* TO \`orc\`@\`127.0.0.1\` ${HASH}`];
    expect(interpretGrants('mariadb', MARIADB, rows)).toEqual({
      may: { replication: false, readOnly: false, semiSyncSource: true, semiSyncReplica: false },
      missing: ['REPLICATION SLAVE ADMIN', 'RELOAD', 'READ_ONLY ADMIN'],
    });
  });

  it('the fine-grained privileges a recovery needs', () => {
    const rows = [`GRANT RELOAD, PROCESS, REPLICATION SLAVE, BINLOG MONITOR, READ_ONLY ADMIN, REPLICATION SLAVE ADMIN, REPLICATION MASTER ADMIN, SLAVE MONITOR ON *.* TO \`orc\`@\`%\` ${HASH}`];
    expect(interpretGrants('mariadb', MARIADB, rows)).toEqual({ may: ALL_MAY, missing: [] });
  });

  it('SUPER no longer covers read_only (MDEV-29596), and RESET SLAVE ALL needs RELOAD', () => {
    expect(interpretGrants('mariadb', MARIADB, [`GRANT SUPER ON *.* TO \`orc\`@\`%\` ${HASH}`])).toEqual({
      may: { replication: false, readOnly: false, semiSyncSource: true, semiSyncReplica: true },
      missing: ['RELOAD', 'READ_ONLY ADMIN'],
    });
  });

  it('before 10.11, SUPER still sets read_only; before 10.5.2, SUPER and RELOAD are all there is', () => {
    const superReload = ['GRANT RELOAD, SUPER ON *.* TO `orc`@`%`'];
    expect(interpretGrants('mariadb', v('10.6.18-MariaDB'), superReload).may).toEqual(ALL_MAY);
    expect(interpretGrants('mariadb', v('10.4.34-MariaDB'), superReload).may).toEqual(ALL_MAY);
    expect(interpretGrants('mariadb', v('10.4.34-MariaDB'), ['GRANT RELOAD, REPLICATION SLAVE ON *.* TO `orc`@`%`']).missing).toEqual(['SUPER']);
  });

  it('ALL PRIVILEGES, with or without GRANT OPTION and account clauses', () => {
    expect(interpretGrants('mariadb', MARIADB, [`GRANT ALL PRIVILEGES ON *.* TO \`orc\`@\`%\` ${HASH} WITH GRANT OPTION`]).may).toEqual(ALL_MAY);
    expect(interpretGrants('mariadb', MARIADB, [`GRANT RELOAD ON *.* TO \`orc\`@\`%\` ${HASH} WITH GRANT OPTION MAX_QUERIES_PER_HOUR 100`]).missing).toEqual([
      'REPLICATION SLAVE ADMIN',
      'READ_ONLY ADMIN',
      'REPLICATION MASTER ADMIN',
    ]);
  });

  it('the default role and the roles it holds count, as SHOW GRANTS lists them', () => {
    const rows = [
      'GRANT `outer_role` TO `orc`@`127.0.0.1`',
      `GRANT USAGE ON *.* TO \`orc\`@\`127.0.0.1\` ${HASH}`,
      'GRANT `orc_role` TO `outer_role`',
      'GRANT USAGE ON *.* TO `outer_role`',
      'GRANT RELOAD, SUPER, READ_ONLY ADMIN ON *.* TO `orc_role`',
      'SET DEFAULT ROLE `outer_role` FOR `orc`@`127.0.0.1`',
    ];
    expect(interpretGrants('mariadb', MARIADB, rows)).toEqual({ may: ALL_MAY, missing: [] });
  });

  it('privileges on a database or a table are not global', () => {
    const rows = [`GRANT USAGE ON *.* TO \`orc\`@\`%\` ${HASH}`, 'GRANT ALL PRIVILEGES ON `mysql`.* TO `orc`@`%`', 'GRANT SELECT (`c1`), UPDATE ON `meta`.`t` TO `orc`@`%`'];
    expect(globalPrivileges(rows)).toEqual(new Set(['USAGE']));
    expect(interpretGrants('mariadb', MARIADB, rows).may).toEqual({ replication: false, readOnly: false, semiSyncSource: false, semiSyncReplica: false });
  });
});

describe('MySQL and Percona Server', () => {
  const MYSQL80 = v('8.0.36');

  it('8.0: static privileges on one line, dynamic ones on another', () => {
    const rows = [
      'GRANT RELOAD, PROCESS, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `orc`@`%`',
      'GRANT REPLICATION_SLAVE_ADMIN,SYSTEM_VARIABLES_ADMIN ON *.* TO `orc`@`%`',
    ];
    expect(interpretGrants('mysql', MYSQL80, rows)).toEqual({ may: ALL_MAY, missing: [] });
  });

  it('8.0: a monitoring user lacks the dynamic privileges and RELOAD', () => {
    const rows = ['GRANT SELECT, PROCESS, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `orc`@`%`'];
    expect(interpretGrants('percona', v('8.0.36-28'), rows)).toEqual({
      may: { replication: false, readOnly: false, semiSyncSource: false, semiSyncReplica: false },
      missing: ['REPLICATION_SLAVE_ADMIN', 'RELOAD', 'SYSTEM_VARIABLES_ADMIN'],
    });
  });

  it('8.0: the deprecated SUPER still covers the replication statements and SET GLOBAL', () => {
    expect(interpretGrants('mysql', MYSQL80, ['GRANT RELOAD, SUPER ON *.* TO `orc`@`%`']).may).toEqual(ALL_MAY);
  });

  it('8.0: the privileges of the active roles are folded into the user rows; the role row itself grants nothing', () => {
    const rows = ['GRANT USAGE ON *.* TO `orc`@`%`', 'GRANT `orc_admin`@`%` TO `orc`@`%`', "GRANT PROXY ON ''@'' TO `orc`@`%`"];
    expect(interpretGrants('mysql', MYSQL80, rows).may.replication).toBe(false);
  });

  it('5.7: SUPER for everything, RELOAD for RESET SLAVE; ALL PRIVILEGES covers both', () => {
    const MYSQL57 = v('5.7.44-log');
    expect(interpretGrants('mysql', MYSQL57, ["GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'orc'@'%'"]).missing).toEqual(['SUPER', 'RELOAD']);
    expect(interpretGrants('mysql', MYSQL57, ["GRANT ALL PRIVILEGES ON *.* TO 'orc'@'%' WITH GRANT OPTION"]).may).toEqual(ALL_MAY);
    // why: a 5.7 server does not know the 8.0 dynamic privileges; SUPER is still what it asks for.
    expect(interpretGrants('mysql', MYSQL57, ["GRANT RELOAD ON *.* TO 'orc'@'%'"]).missing).toEqual(['SUPER']);
  });
});

describe('lackingFor', () => {
  const missing = ['REPLICATION SLAVE ADMIN', 'RELOAD', 'READ_ONLY ADMIN', 'REPLICATION MASTER ADMIN'];

  it('keeps the missing privileges that the named capabilities need, with the statements they allow', () => {
    expect(lackingFor('mariadb', MARIADB, missing, ['readOnly'])).toEqual([{ privilege: 'READ_ONLY ADMIN', instead: [], statements: ['SET GLOBAL read_only'] }]);
    expect(lackingFor('mariadb', MARIADB, missing, ['replication', 'semiSyncReplica'])).toEqual([
      { privilege: 'REPLICATION SLAVE ADMIN', instead: ['SUPER'], statements: ['STOP/START SLAVE, CHANGE MASTER TO', 'SET GLOBAL rpl_semi_sync_slave_enabled'] },
      { privilege: 'RELOAD', instead: [], statements: ['RESET SLAVE ALL'] },
    ]);
    expect(lackingFor('mariadb', MARIADB, missing, [])).toEqual([]);
  });

  it('names what the server of that flavor and version asks for', () => {
    expect(lackingFor('mysql', v('8.0.36'), ['SYSTEM_VARIABLES_ADMIN'], ['readOnly', 'semiSyncSource'])).toEqual([
      { privilege: 'SYSTEM_VARIABLES_ADMIN', instead: ['SUPER'], statements: ['SET GLOBAL read_only / super_read_only', 'SET GLOBAL rpl_semi_sync_master_enabled'] },
    ]);
    expect(lackingFor('mariadb', v('10.6.18-MariaDB'), ['READ_ONLY ADMIN'], ['readOnly'])).toEqual([{ privilege: 'READ_ONLY ADMIN', instead: ['SUPER'], statements: ['SET GLOBAL read_only'] }]);
  });
});
