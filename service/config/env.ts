// Environment variable helpers shared by every config section.
import { z } from 'zod';

/** Boolean from the usual textual spellings; anything else is a configuration error. */
export const envBool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const envInt = (def: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(def);
export const envNum = (def: number, min: number, max: number) =>
  z.coerce.number().min(min).max(max).default(def);
/** Comma-separated list, trimmed, empty items dropped. */
export const envList = (def: string) =>
  z
    .string()
    .default(def)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    );
