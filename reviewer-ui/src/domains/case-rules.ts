// Pure rules of the case page, without imports (unit-tested from the service's test suite).

/**
 * Fraction digits for a score shown next to thresholds: at least `min`, and as many as the thresholds have, so that
 * the shown value (truncated, never rounded up) is on the same side of every threshold as the score itself
 * (0.9153 was shown "0.92" next to an accept threshold of 0.92).
 */
export function scoreDigits(thresholds: readonly number[], min = 4): number {
  const decimals = (x: number) => {
    const s = String(x);
    const i = s.indexOf('.');
    return i < 0 ? 0 : s.length - i - 1;
  };
  return Math.max(min, ...thresholds.map(decimals));
}

/** `x` truncated toward minus infinity to `digits` decimals (a tiny epsilon absorbs binary representation). */
export function floorTo(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.floor(x * f + 1e-9) / f;
}

/** Pure four-eyes rule as the server applies it: may this reviewer approve now, and if not, why. */
export function approvalBlock(
  c: {
    fourEyes: {
      stage: 'not_required' | 'first_approval' | 'second_approval';
      firstApproverId: string | null;
    };
  },
  me: { id: string; supervisor: boolean },
): 'own_first_approval' | 'supervisor_required' | null {
  if (c.fourEyes.stage !== 'second_approval') return null;
  if (c.fourEyes.firstApproverId === me.id) return 'own_first_approval';
  return me.supervisor ? null : 'supervisor_required';
}
