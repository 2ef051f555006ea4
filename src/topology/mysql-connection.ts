import { checkServerIdentity, TLSSocket } from 'node:tls';
import mysql from 'mysql2/promise';

/** Connections to MySQL / MariaDB servers: TLS, timeouts and error messages without secrets. */

export interface Credentials {
  user: string;
  password?: string;
  tls?: TlsSettings;
  /** Unix socket for the host `localhost`, as the mysql client connects to it. */
  socket?: string;
}

/** TLS towards the servers: encrypt only, or also verify the certificate (and its host name). */
export interface TlsSettings {
  mode: 'required' | 'verify-ca' | 'verify-identity';
  /** PEM contents, not paths. */
  ca?: string;
  cert?: string;
  key?: string;
}

/** A result row as the driver returns it. */
export type Row = Record<string, unknown>;

/** A column value as text; NULL as ''. */
export function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

/** A connection to one server with TLS as configured; the certificate's identity checked when asked. */
export async function openConnection(host: string, port: number, user: string, password: string | undefined, tls: TlsSettings | undefined, connectTimeout: number, socket?: string): Promise<mysql.Connection> {
  // why: to the mysql client, `localhost` means the Unix socket; every other host is TCP.
  const viaSocket = socket !== undefined && host === 'localhost';
  const conn = await mysql.createConnection({
    ...(viaSocket ? { socketPath: socket } : { host, port }),
    user,
    password: password ?? '',
    connectTimeout,
    supportBigNumbers: true,
    multipleStatements: false,
    ...(tls ? { ssl: sslOptions(tls) } : {}),
  });
  // why: a connection that dies later must not become an unhandled 'error' event.
  conn.on('error', () => undefined);
  if (tls?.mode === 'verify-identity') verifyIdentity(conn, host);
  return conn;
}

function sslOptions(tls: TlsSettings): Record<string, unknown> {
  return {
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
    ...(tls.key !== undefined ? { key: tls.key } : {}),
    rejectUnauthorized: tls.mode !== 'required',
    // why: the driver checks the identity against "localhost" when the host is an IP address;
    // verifyIdentity() below checks it against the address actually connected to.
    verifyIdentity: false,
  };
}

/**
 * Checks the server certificate against the host connected to (name or IP address), before any
 * statement is sent; a mismatch fails the connection.
 */
function verifyIdentity(conn: mysql.Connection, host: string): void {
  const stream = (conn as unknown as { connection: { stream: unknown } }).connection.stream;
  const error = stream instanceof TLSSocket ? checkServerIdentity(host, stream.getPeerCertificate()) : new Error('the connection is not encrypted');
  if (error) {
    conn.destroy();
    throw error;
  }
}

export async function closeQuietly(conn: mysql.Connection): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    conn.end().then(() => true, () => false),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 1000))),
  ]);
  clearTimeout(timer);
  if (!ended) conn.destroy();
}

function isTimeout(e: unknown): boolean {
  return (e as { code?: string }).code === 'PROTOCOL_SEQUENCE_TIMEOUT';
}

/** Whether an error ends the connection (a timeout, a lost connection), not just the statement. */
export function isFatal(e: unknown): boolean {
  return isTimeout(e) || (e as { fatal?: boolean }).fatal === true;
}

/** A user-facing error message; never contains the password. */
export function describeError(e: unknown, password: string | undefined, connectTimeout: number, queryTimeout: number): string {
  const err = e as { code?: string; errno?: number; message?: string };
  let msg: string;
  switch (err.code) {
    case 'ECONNREFUSED':
      msg = 'connection refused';
      break;
    case 'ETIMEDOUT':
      msg = `no answer within ${connectTimeout} ms (connect timeout)`;
      break;
    case 'PROTOCOL_SEQUENCE_TIMEOUT':
      msg = `a query got no answer within ${queryTimeout} ms (query timeout)`;
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      msg = 'unknown host';
      break;
    case 'ECONNRESET':
    case 'PROTOCOL_CONNECTION_LOST':
      msg = 'connection lost';
      break;
    default:
      msg = err.message ?? String(e);
  }
  return scrub(msg, password);
}

/** Removes every occurrence of the password from a message. */
export function scrub(message: string, password: string | undefined): string {
  if (!password) return message;
  return message.split(password).join('*****');
}

