import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, firstInvalidByte, InputError } from '../../src/util/input-file.js';

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
function decodes(bytes: Uint8Array): boolean {
  try {
    fatal.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Bytes near the edges of UTF-8: lead bytes, continuation bytes, surrogate and overlong ranges. */
const edgyByte = fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.constantFrom(0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff));

describe('firstInvalidByte', () => {
  it('agrees with the WHATWG fatal decoder: valid exactly when it finds nothing, and the prefix before it always decodes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 24 }), fc.array(edgyByte, { maxLength: 24 }).map((a) => Uint8Array.from(a)), fc.string({ unit: 'binary' }).map((s) => new TextEncoder().encode(s))), (bytes) => {
        const bad = firstInvalidByte(bytes);
        expect(bad === bytes.length).toBe(decodes(bytes));
        expect(decodes(bytes.subarray(0, bad))).toBe(true);
        // why: the byte found really starts the damage: adding it to the clean prefix cannot be completed by anything that followed it.
        if (bad < bytes.length) expect(decodes(bytes.subarray(0, bad + 4 > bytes.length ? bytes.length : bad + 4))).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('points at the first byte of a damaged sequence', () => {
    expect(firstInvalidByte(Buffer.from('ab\xff', 'latin1'))).toBe(2);
    expect(firstInvalidByte(Buffer.from([0x61, 0xe2, 0x82]))).toBe(1);
    expect(firstInvalidByte(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0);
    expect(firstInvalidByte(Buffer.from([0xf0, 0x9f, 0x98, 0x80, 0xc0, 0x80]))).toBe(4);
  });
});

describe('decodeUtf8', () => {
  it('names the file, line and column of the first bad byte', () => {
    const bytes = Buffer.concat([Buffer.from('first\nsécond \r\n  x'), Buffer.from([0xfe]), Buffer.from('\n')]);
    expect(() => decodeUtf8('f.yaml', bytes)).toThrow(new InputError('f.yaml:3:4: not UTF-8 text (byte 0xFE); succession reads its input as UTF-8'));
    expect(decodeUtf8('f.yaml', Buffer.from('\ufeffkind: cluster\n'))).toBe('kind: cluster\n');
  });
});
