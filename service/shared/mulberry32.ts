// mulberry32: a small, fast, seedable PRNG. Used wherever a seed must rebuild the same data (fixtures,
// evaluation sets, glyph training) — never for anything secret (challenges and codes use node:crypto).

export interface SeededRandom {
  /** Uniform in [0, 1). */
  (): number;
  /** The current internal state, to derive independent child streams. */
  readonly state: number;
}

export function mulberry32(seed: number): SeededRandom {
  let a = seed >>> 0;
  const next = (() => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }) as SeededRandom;
  Object.defineProperty(next, 'state', { get: () => a });
  return next;
}
