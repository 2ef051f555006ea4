/**
 * The live-test MariaDB topology (`harness.mjs`) with its types, and `liveDescribe`, which skips
 * loudly when `mariadbd` is absent and fails when SUCCESSION_REQUIRE_MARIADB=1 (CI).
 */
import type { ChildProcess } from 'node:child_process';
import type mysql from 'mysql2/promise';
import { describe, it } from 'vitest';
import * as harness from './harness.mjs';

export const MARIADBD: string | undefined = harness.MARIADBD;
export const INSTALL_DB: string | undefined = harness.INSTALL_DB;
/** Credentials of the least-privileged discovery account created on every node. */
export const DISCOVERY_USER: string = harness.DISCOVERY_USER;
export const DISCOVERY_PASSWORD: string = harness.DISCOVERY_PASSWORD;
/** Paths of the test certificates: `ca.pem`, `other-ca.pem`, `server-cert.pem`, `server-key.pem`. */
export const TLS_FILES: Record<string, string> = harness.TLS_FILES;

/**
 * `describe` for tests that need MariaDB: runs them when the binaries exist; otherwise warns and
 * skips, unless SUCCESSION_REQUIRE_MARIADB=1, where the absence is itself a failing test.
 */
export function liveDescribe(name: string, body: () => void): void {
  if (MARIADBD && INSTALL_DB) {
    describe(name, body);
    return;
  }
  if (process.env.SUCCESSION_REQUIRE_MARIADB === '1') {
    describe(name, () => {
      it('needs mariadbd and mariadb-install-db (SUCCESSION_REQUIRE_MARIADB=1)', () => {
        throw new Error('mariadbd / mariadb-install-db not found on PATH or in /usr/sbin; install mariadb-server');
      });
    });
    return;
  }
  console.warn(`SKIPPED live tests "${name}": mariadbd not found (install mariadb-server, or set SUCCESSION_REQUIRE_MARIADB=1 to make this fail)`);
  describe.skip(name, body);
}

export interface NodeSpec {
  name: string;
  /** Name of the node it replicates from. */
  source?: string;
  semiSyncSource?: boolean;
  semiSyncReplica?: boolean;
  /** MASTER_DELAY in seconds. */
  delay?: number;
  /** Start with read_only=0 even though it is a replica. */
  writable?: boolean;
  /** Replicate from this port instead of the source node's (a host that is down). */
  sourcePort?: number;
  /** Serve TLS with the test certificates, and require it of the discovery account. */
  tls?: boolean;
  /** Data center written to meta.dc on this node (not replicated). */
  dc?: string;
  /** rpl_semi_sync_master_timeout in milliseconds (MariaDB's default: 10000). */
  semiSyncTimeoutMs?: number;
  /** report_host (default 127.0.0.1); '' leaves it unset. */
  reportHost?: string;
}

export interface Node {
  name: string;
  /** The port clients and replicas use (a delay proxy's, with `latencyMs`). */
  port: number;
  /** The port the server listens on. */
  serverPort: number;
  serverId: number;
  key: string;
  datadir: string;
  socket: string;
  generalLog: string;
  process: ChildProcess;
}

export interface LiveTopology {
  dir: string;
  nodes: Record<string, Node>;
  /** A root connection over the node's socket (for test set-up and fault injection only). */
  admin(name: string): Promise<mysql.Connection>;
  stop(): Promise<void>;
}

export interface LoggedQuery {
  thread: number;
  user: string;
  command: string;
  argument: string;
}

/** A TCP port that is free right now (asked from the OS). */
export const freePort: () => Promise<number> = harness.freePort;

/** Polls `probe` every 100 ms until it returns a value; fails after `timeoutMs`. */
export const until: <T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>) => Promise<T> = harness.until;

/**
 * Starts the nodes, wires replication and waits until it runs (and semi-sync replicas are
 * connected). With `latencyMs`, every node is reached through a relay that delays each chunk.
 */
export const startTopology: (specs: NodeSpec[], options?: { latencyMs?: number }) => Promise<LiveTopology> = harness.startTopology;

/** Writes three transactions on `primary` and waits until each of `replicas` applied them; returns the position. */
export const writeAndSync: (topo: LiveTopology, primary: string, replicas: string[]) => Promise<string> = harness.writeAndSync;

/** The commands the general log recorded for connections of `user`. */
export const loggedCommands: (logFile: string, user: string) => LoggedQuery[] = harness.loggedCommands;
