import type { PolicyInput } from '../lint.js';

/** Whether a file could be the fleet file: cheap to find, checked exactly once parsed. */
export function mayBeFleet(input: PolicyInput): boolean {
  return input.known?.mayBeFleet ?? input.text.includes('fleet');
}
