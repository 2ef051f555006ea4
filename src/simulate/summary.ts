import type { Engine, EnginePrediction, Simulation } from './model.js';

/** How the engines are named in prose. */
const ENGINE_NAMES: Record<Engine, string> = { orchestrator: 'orchestrator', cmon: 'cmon', mha: 'MHA' };

function outcome(p: EnginePrediction): string {
  const name = ENGINE_NAMES[p.engine];
  if (p.promoted !== undefined) return `${name} promotes ${p.promoted}`;
  return `${name} ${p.stopped ?? 'promotes no one'}`;
}

/**
 * One line naming each engine's outcome when a failed primary leaves the engines promoting
 * different hosts (or some none), so that the reader learns it before the per-engine detail;
 * undefined when they agree, or when no primary failed.
 */
export function disagreement(sim: Simulation): string | undefined {
  if (sim.failedRole !== 'primary') return undefined;
  if (new Set(sim.engines.map((p) => p.promoted ?? '')).size < 2) return undefined;
  return `engines disagree: ${sim.engines.map(outcome).join(', ')}`;
}
