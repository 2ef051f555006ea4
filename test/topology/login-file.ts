import { createCipheriv, randomBytes } from 'node:crypto';

/**
 * A login path file laid out as MySQL's mysql_config_editor writes it: 4 unused bytes, a random
 * 20-byte key folded into an AES-128 key, then each line AES-128-ECB encrypted after its length.
 */
export function loginFile(text: string): Buffer {
  const raw = randomBytes(20);
  const key = Buffer.alloc(16);
  for (let i = 0; i < 20; i++) key[i % 16]! ^= raw[i]!;
  const chunks = text.split(/(?<=\n)/).map((line) => {
    const c = createCipheriv('aes-128-ecb', key, null);
    const enc = Buffer.concat([c.update(line, 'utf8'), c.final()]);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(enc.length);
    return Buffer.concat([len, enc]);
  });
  return Buffer.concat([Buffer.alloc(4), raw, ...chunks]);
}
