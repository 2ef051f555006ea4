import { versionAtLeast, type Flavor, type RecoveryCapabilities, type ServerVersion } from './model.js';

/**
 * What orchestrator's topology user may do in a primary recovery, read from its own `SHOW GRANTS`.
 *
 * orchestrator 3.2.6 changes replication with STOP / START SLAVE (and the IO_THREAD forms),
 * CHANGE MASTER TO and RESET SLAVE ALL, flips `read_only` (and `super_read_only` with
 * UseSuperReadOnly), and sets `rpl_semi_sync_master_enabled` / `rpl_semi_sync_slave_enabled`
 * (go/inst/instance_topology_dao.go). Each capability below is what one of those groups needs, per
 * flavor and version:
 *
 * - MariaDB 10.11.19 (tried on the server, one privilege per account): the replication statements
 *   need SUPER or REPLICATION SLAVE ADMIN, except RESET SLAVE ALL, which needs RELOAD and nothing
 *   else; `read_only` needs READ_ONLY ADMIN, which SUPER no longer includes from 10.11.0
 *   (MDEV-29596); the semi-sync source side needs SUPER or REPLICATION MASTER ADMIN, the replica
 *   side SUPER or REPLICATION SLAVE ADMIN. Before 10.5.2, which split these out of SUPER, SUPER
 *   (and RELOAD) did it all (MariaDB documentation).
 * - MySQL and Percona Server 8.0 (reference manual): REPLICATION_SLAVE_ADMIN or SUPER for STOP /
 *   START REPLICA and CHANGE REPLICATION SOURCE, RELOAD for RESET REPLICA, and
 *   SYSTEM_VARIABLES_ADMIN or SUPER for SET GLOBAL (read_only, super_read_only, semi-sync).
 *   5.7: SUPER, and RELOAD for RESET SLAVE.
 */

export type Capability = keyof RecoveryCapabilities;

export const CAPABILITIES: readonly Capability[] = ['replication', 'readOnly', 'semiSyncSource', 'semiSyncReplica'];

/** One privilege a capability needs; any of `anyOf` will do, the first is the one to grant. */
interface Need {
  anyOf: readonly string[];
}

const need = (...anyOf: string[]): Need => ({ anyOf });

/** The privileges each capability needs on a server of this flavor and version, as the server names them. */
export function requirements(flavor: Flavor, version: ServerVersion | undefined): Record<Capability, readonly Need[]> {
  if (flavor === 'mariadb') {
    if (version !== undefined && !versionAtLeast(version, 10, 5, 2)) {
      return { replication: [need('SUPER'), need('RELOAD')], readOnly: [need('SUPER')], semiSyncSource: [need('SUPER')], semiSyncReplica: [need('SUPER')] };
    }
    const readOnlyBySuper = version !== undefined && !versionAtLeast(version, 10, 11, 0);
    return {
      replication: [need('REPLICATION SLAVE ADMIN', 'SUPER'), need('RELOAD')],
      readOnly: [readOnlyBySuper ? need('READ_ONLY ADMIN', 'SUPER') : need('READ_ONLY ADMIN')],
      semiSyncSource: [need('REPLICATION MASTER ADMIN', 'SUPER')],
      semiSyncReplica: [need('REPLICATION SLAVE ADMIN', 'SUPER')],
    };
  }
  if (version !== undefined && version.major < 8) {
    return { replication: [need('SUPER'), need('RELOAD')], readOnly: [need('SUPER')], semiSyncSource: [need('SUPER')], semiSyncReplica: [need('SUPER')] };
  }
  return {
    replication: [need('REPLICATION_SLAVE_ADMIN', 'SUPER'), need('RELOAD')],
    readOnly: [need('SYSTEM_VARIABLES_ADMIN', 'SUPER')],
    semiSyncSource: [need('SYSTEM_VARIABLES_ADMIN', 'SUPER')],
    semiSyncReplica: [need('SYSTEM_VARIABLES_ADMIN', 'SUPER')],
  };
}

const ALL = 'ALL';

/**
 * The global privileges in `SHOW GRANTS` rows: every `GRANT … ON *.* TO …` line counts. The
 * current user's `SHOW GRANTS` already lists the privileges of the roles active at login
 * (MariaDB adds `GRANT … ON *.* TO \`role\`` lines for the default role and the roles it holds;
 * MySQL 8.0 folds the active roles' privileges into the user's lines), and a role that is not
 * active at login is no use to orchestrator either. `ALL` / `ALL PRIVILEGES` stands for every
 * privilege; `WITH GRANT OPTION` and the account clauses after `TO` are not privileges.
 */
export function globalPrivileges(rows: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const row of rows) {
    const m = /^\s*GRANT\s+(.+?)\s+ON\s+(\S+)\s+TO\s/is.exec(row);
    if (!m || m[2] !== '*.*') continue;
    for (const part of m[1]!.split(',')) {
      const name = part.trim().replace(/\s+/g, ' ').toUpperCase();
      out.add(name === 'ALL PRIVILEGES' ? ALL : name);
    }
  }
  return out;
}

export interface GrantReading {
  may: RecoveryCapabilities;
  /** The privileges to grant for what is missing, each once, in capability order. */
  missing: string[];
}

/** What the user may do with these grants on a server of this flavor and version. */
export function interpretGrants(flavor: Flavor, version: ServerVersion | undefined, rows: readonly string[]): GrantReading {
  const granted = globalPrivileges(rows);
  const has = (n: Need): boolean => granted.has(ALL) || n.anyOf.some((p) => granted.has(p));
  const req = requirements(flavor, version);
  const missing: string[] = [];
  const may = {} as RecoveryCapabilities;
  for (const c of CAPABILITIES) {
    const lacking = req[c].filter((n) => !has(n));
    may[c] = lacking.length === 0;
    for (const n of lacking) if (!missing.includes(n.anyOf[0]!)) missing.push(n.anyOf[0]!);
  }
  return { may, missing };
}

/** The privileges to grant for `capabilities`, among those `missing` (the server's own names). */
export function missingFor(flavor: Flavor, version: ServerVersion | undefined, missing: readonly string[], capabilities: readonly Capability[]): string[] {
  const req = requirements(flavor, version);
  const wanted = new Set(capabilities.flatMap((c) => req[c].map((n) => n.anyOf[0]!)));
  return missing.filter((p) => wanted.has(p));
}
