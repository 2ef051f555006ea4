import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { terminalText } from '../../src/util/terminal-text.js';

/** What a terminal or a log viewer would act on: controls, format characters, separators, lone surrogates. */
const ACTIVE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

describe('terminalText', () => {
  it.each([
    ['a line\nforged', 'a line\\nforged'],
    ['cr\roverwrite', 'cr\\roverwrite'],
    ['tab\there', 'tab\\there'],
    ['csi \u001b[2J clear', 'csi \\x1b[2J clear'],
    ['osc \u001b]0;title\u0007 bell', 'osc \\x1b]0;title\\x07 bell'],
    ['osc 8 \u001b]8;;https://evil.example\u001b\\link', 'osc 8 \\x1b]8;;https://evil.example\\x1b\\link'],
    ['c1 csi \u009b31m', 'c1 csi \\x9b31m'],
    ['c1 next line \u0085', 'c1 next line \\x85'],
    ['nul \u0000 del \u007f', 'nul \\x00 del \\x7f'],
    ['bidi \u202egnp.exe', 'bidi \\u202egnp.exe'],
    ['isolates \u2066x\u2069 marks \u200e\u200f\u061c', 'isolates \\u2066x\\u2069 marks \\u200e\\u200f\\u061c'],
    ['zero width db1\u200b and bom \ufeff', 'zero width db1\\u200b and bom \\ufeff'],
    ['separators \u2028 \u2029', 'separators \\u2028 \\u2029'],
    ['tag \u{e0041}', 'tag \\u{e0041}'],
    ['lone \ud800 surrogate', 'lone \\ud800 surrogate'],
  ])('shows %j as visible escapes', (input, shown) => {
    expect(terminalText(input)).toBe(shown);
  });

  it('passes ordinary text unchanged, non-ASCII included', () => {
    for (const text of ['db-01:3306 [dc1, 8.0.36]', 'rha-db-02:3306 ✗ fails — NOT met', 'café ñ 数据库 😀 ↳', 'C:\\path\\x1b is a literal backslash', '']) {
      expect(terminalText(text)).toBe(text);
    }
  });

  it('leaves nothing a terminal acts on, keeps every other character, and is stable', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        const shown = terminalText(s);
        expect(shown).not.toMatch(ACTIVE);
        expect(terminalText(shown)).toBe(shown);
        // Every character that is not escaped is kept in order.
        expect(shown.replace(/\\(x[0-9a-f]{2}|u[0-9a-f]{4}|u\{[0-9a-f]+\}|[nrt])/g, '')).toBe(s.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]|\\(x[0-9a-f]{2}|u[0-9a-f]{4}|u\{[0-9a-f]+\}|[nrt])/gu, ''));
      }),
      { numRuns: 500 },
    );
  });
});
