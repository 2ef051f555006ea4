import { createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP server that speaks just enough of the MySQL protocol to let a client log in (any user,
 * any password), then never answers a query: the case of a server that hangs after the
 * handshake, which only a query timeout catches.
 */
export async function startHangingMysql(): Promise<{ port: number; close: () => void; queries: () => number }> {
  const sockets: Socket[] = [];
  let queries = 0;
  const server: Server = createServer((s) => {
    sockets.push(s);
    let phase: 'auth' | 'command' = 'auth';
    s.write(packet(0, handshake()));
    s.on('data', (data: Buffer) => {
      if (phase === 'auth') {
        phase = 'command';
        // OK packet: header, affected rows 0, last insert id 0, status SERVER_STATUS_AUTOCOMMIT, 0 warnings.
        s.write(packet(data[3]! + 1, Buffer.from([0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00])));
        return;
      }
      // COM_QUIT (0x01) ends politely; anything else (COM_QUERY) is never answered.
      if (data[4] === 0x01) s.end();
      else queries += 1;
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
    queries: () => queries,
  };
}

function packet(seq: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header[3] = seq & 0xff;
  return Buffer.concat([header, payload]);
}

/** Protocol::HandshakeV10 offering mysql_native_password. */
function handshake(): Buffer {
  const CLIENT_LONG_PASSWORD = 0x1;
  const CLIENT_PROTOCOL_41 = 0x200;
  const CLIENT_SECURE_CONNECTION = 0x8000;
  const CLIENT_PLUGIN_AUTH = 0x80000;
  const caps = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH;
  const scramble = Buffer.from('abcdefghijklmnopqrst');
  const fixed = Buffer.alloc(4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10);
  let o = 0;
  fixed.writeUInt32LE(7, o); o += 4;
  scramble.copy(fixed, o, 0, 8); o += 8;
  fixed[o++] = 0;
  fixed.writeUInt16LE(caps & 0xffff, o); o += 2;
  fixed[o++] = 45; // utf8mb4_general_ci
  fixed.writeUInt16LE(0x0002, o); o += 2;
  fixed.writeUInt16LE(caps >>> 16, o); o += 2;
  fixed[o++] = 21;
  return Buffer.concat([
    Buffer.from([10]),
    Buffer.from('8.0.36-hanging\0'),
    fixed,
    scramble.subarray(8),
    Buffer.from([0]),
    Buffer.from('mysql_native_password\0'),
  ]);
}
