// Languages of the spoken challenge and of the applicant's messages. Browser-safe (zod only).
import { z } from 'zod';

export const LANGS = ['fr', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const LangSchema = z.enum(LANGS);
