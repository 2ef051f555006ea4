import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from '../../src/util/suggest.js';

describe('did you mean', () => {
  it('measures edits case-insensitively, a swap of adjacent letters as one', () => {
    expect(editDistance('promotoin', 'promotion')).toBe(1);
    expect(editDistance('mian', 'main')).toBe(1);
    expect(editDistance('abc', 'cba')).toBe(2);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('failedhost', 'failedHost')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests only plausible typos, scaled to the word length', () => {
    expect(closest('primray', ['primary', 'name', 'hosts'])).toBe('primary');
    expect(closest('weight', ['primary', 'name', 'hosts'])).toBeUndefined();
    // Short words allow one edit only.
    expect(closest('dcc', ['dc'])).toBe('dc');
    expect(closest('xyz', ['dc'])).toBeUndefined();
  });

  it('breaks ties by the alphabetically first candidate', () => {
    expect(closest('ab', ['ac', 'aa'])).toBe('aa');
  });

  it('formats the suggestion or nothing', () => {
    expect(didYouMean('mian', ['main', 'dr'])).toBe(' Did you mean "main"?');
    expect(didYouMean('reporting', ['main'])).toBe('');
  });
});
