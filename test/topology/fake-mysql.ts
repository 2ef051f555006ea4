import { createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP server that speaks just enough of the MySQL protocol (handshake, COM_QUERY with text
 * result sets, errors, COM_QUIT) to stand in for MySQL versions the machine does not have. It
 * lets any user log in. Each query goes to `answer`; `undefined` means never answer (a server
 * that hangs after the handshake), `'disconnect'` drops the connection (a server that crashes).
 */
export type Answer = { columns: string[]; rows: (string | null)[][] } | { errno: number; message: string } | 'disconnect' | undefined;

export interface FakeMysql {
  port: number;
  /** Every query received, in order. */
  queries: string[];
  close: () => void;
}

export async function startFakeMysql(version: string, answer: (sql: string) => Answer): Promise<FakeMysql> {
  const sockets: Socket[] = [];
  const queries: string[] = [];
  const server: Server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => undefined);
    let authenticated = false;
    let pending = Buffer.alloc(0);
    s.write(packet(0, handshake(version)));
    s.on('data', (data: Buffer) => {
      pending = Buffer.concat([pending, data]);
      while (pending.length >= 4) {
        const length = pending.readUIntLE(0, 3);
        if (pending.length < 4 + length) break;
        const seq = pending[3]!;
        const payload = pending.subarray(4, 4 + length);
        pending = pending.subarray(4 + length);
        if (!authenticated) {
          authenticated = true;
          s.write(packet(seq + 1, ok()));
        } else if (payload[0] === 0x01) {
          s.end();
        } else if (payload[0] === 0x03) {
          const sql = payload.subarray(1).toString('utf8');
          queries.push(sql);
          const a = answer(sql);
          if (a === 'disconnect') s.destroy();
          else if (a !== undefined) s.write(Buffer.concat(respond(a)));
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    queries,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

/** Answers for `SHOW GLOBAL VARIABLES` / `STATUS`: a two-column result of name and value. */
export function variables(values: Record<string, string>): Answer {
  return { columns: ['Variable_name', 'Value'], rows: Object.entries(values) };
}

/** A result set of one row per object, columns in the first object's key order. */
export function table(columns: string[], rows: Record<string, string | null>[]): Answer {
  return { columns, rows: rows.map((r) => columns.map((c) => r[c] ?? null)) };
}

function respond(a: Exclude<Answer, undefined | 'disconnect'>): Buffer[] {
  if ('errno' in a) {
    const payload = Buffer.concat([Buffer.from([0xff]), u16(a.errno), Buffer.from(`#HY000${a.message}`)]);
    return [packet(1, payload)];
  }
  let seq = 1;
  const out = [packet(seq++, lenenc(a.columns.length))];
  for (const c of a.columns) out.push(packet(seq++, columnDefinition(c)));
  out.push(packet(seq++, eof()));
  for (const row of a.rows) {
    out.push(packet(seq++, Buffer.concat(row.map((v) => (v === null ? Buffer.from([0xfb]) : lenencString(v))))));
  }
  out.push(packet(seq++, eof()));
  return out;
}

function packet(seq: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header[3] = seq & 0xff;
  return Buffer.concat([header, payload]);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}

function lenenc(n: number): Buffer {
  if (n < 251) return Buffer.from([n]);
  const b = Buffer.alloc(3);
  b[0] = 0xfc;
  b.writeUInt16LE(n, 1);
  return b;
}

function lenencString(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([lenenc(bytes.length), bytes]);
}

/** OK packet: no rows affected, SERVER_STATUS_AUTOCOMMIT, no warnings. */
function ok(): Buffer {
  return Buffer.from([0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]);
}

function eof(): Buffer {
  return Buffer.from([0xfe, 0x00, 0x00, 0x02, 0x00]);
}

/** ColumnDefinition41 of a VAR_STRING column in utf8mb4. */
function columnDefinition(name: string): Buffer {
  const fixed = Buffer.alloc(13);
  fixed[0] = 0x0c;
  fixed.writeUInt16LE(45, 1);
  fixed.writeUInt32LE(1024, 3);
  fixed[7] = 0xfd;
  return Buffer.concat([lenencString('def'), lenencString(''), lenencString(''), lenencString(''), lenencString(name), lenencString(name), fixed]);
}

/** Protocol::HandshakeV10 offering mysql_native_password. */
function handshake(version: string): Buffer {
  const CLIENT_LONG_PASSWORD = 0x1;
  const CLIENT_PROTOCOL_41 = 0x200;
  const CLIENT_SECURE_CONNECTION = 0x8000;
  const CLIENT_PLUGIN_AUTH = 0x80000;
  const caps = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH;
  const scramble = Buffer.from('abcdefghijklmnopqrst');
  const fixed = Buffer.alloc(4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10);
  let o = 0;
  fixed.writeUInt32LE(7, o);
  o += 4;
  scramble.copy(fixed, o, 0, 8);
  o += 8;
  fixed[o++] = 0;
  fixed.writeUInt16LE(caps & 0xffff, o);
  o += 2;
  fixed[o++] = 45;
  fixed.writeUInt16LE(0x0002, o);
  o += 2;
  fixed.writeUInt16LE(caps >>> 16, o);
  o += 2;
  fixed[o] = 21;
  return Buffer.concat([Buffer.from([10]), Buffer.from(`${version}\0`), fixed, scramble.subarray(8), Buffer.from([0]), Buffer.from('mysql_native_password\0')]);
}
