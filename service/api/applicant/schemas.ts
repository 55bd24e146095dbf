// Request and response bodies of the applicant API (zod), also the source of the OpenAPI schemas.
import { LangSchema } from '../../contracts/lang.js';
import { z } from 'zod';
import { CASE_STATUSES, DECLARED_DOCUMENT_TYPES } from '../../cases/types.js';

/**
 * Printable text only: no control, format, private-use or unpaired surrogate code points (a NUL or a lone
 * surrogate used to reach PostgreSQL, which refused it with a 500 and an error quoting the value).
 */
export const PRINTABLE = /^[^\p{C}]*$/u;
const printable = (s: string) => PRINTABLE.test(s); // `u` mode: a lone surrogate is one \p{Cs} code point
const name = z.string().trim().min(1).max(100).refine(printable, 'printable characters only');

/** Oldest birth date accepted (the oldest living people were born after 1900). */
const MIN_BIRTH_DATE = '1900-01-01';

export const createVerificationBody = z.object({
  reference: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[\w.:-]+$/)
    .optional()
    .describe('Your own reference for this verification (default: generated).'),
  lang: z
    .enum(['fr', 'en'])
    .default('fr')
    .describe('Language of the applicant pages and of the spoken digits.'),
  applicant: z.object({
    lastName: name,
    firstNames: name,
    birthDate: z.iso
      .date()
      .refine(
        (d) => d >= MIN_BIRTH_DATE && d <= new Date().toISOString().slice(0, 10),
        `a date between ${MIN_BIRTH_DATE} and today`,
      )
      .describe('yyyy-mm-dd'),
    email: z.email().max(200).refine(printable, 'printable characters only'),
    mobile: z
      .string()
      .trim()
      .regex(/^\+?[0-9 .-]{6,20}$/, 'a phone number'),
  }),
  documentType: z
    .enum(DECLARED_DOCUMENT_TYPES)
    .optional()
    .describe(
      'The document the applicant is expected to show, when you know it (the choice the applicant makes in the app replaces it). A hint for reading the document, never a requirement.',
    ),
  invite: z
    .object({ email: z.boolean().optional(), sms: z.boolean().optional() })
    .optional()
    .describe(
      'Send the invitation e-letter (email) and/or an SMS with the link; defaults INVITE_EMAIL / INVITE_SMS.',
    ),
});
export type CreateVerificationBody = z.infer<typeof createVerificationBody>;

export const challengeSchema = z.object({
  digits: z.string(),
  lang: LangSchema,
  expiresAt: z.string(),
});

/** POST /v1/applicant/challenge (applicant token): the digits to say, issued when recording starts. */
export const applicantChallengeResponse = challengeSchema.extend({
  issued: z.boolean().describe('True when this call issued the challenge; false: the unexpired one again.'),
});

export const createVerificationResponse = z.object({
  id: z.uuid(),
  reference: z.string(),
  token: z.string().describe('One-time applicant token: give it to the applicant only (link below).'),
  applicantUrl: z.string(),
  expiresAt: z.string(),
});

export const stageProgress = z.object({
  state: z.enum(['pending', 'running', 'done', 'failed']),
  percent: z.number(),
});

export const statusResponse = z.object({
  id: z.uuid(),
  status: z.enum(CASE_STATUSES),
  attempt: z.number().int(),
  maxAttempts: z.number().int(),
  expiresAt: z.string(),
  progress: z.object({
    ingest: stageProgress,
    document: stageProgress,
    face: stageProgress,
    speech: stageProgress,
    decide: stageProgress,
  }),
  challenge: challengeSchema
    .omit({ digits: true })
    .nullable()
    .describe('The current challenge (its digits only from POST /v1/applicant/challenge).'),
  uploaded: z.array(z.enum(['front', 'back', 'video'])),
  reasons: z.array(z.string()).describe('Why a resubmission is requested (empty otherwise).'),
});

export const businessStatusResponse = z.object({
  id: z.uuid(),
  reference: z.string(),
  status: statusResponse.shape.status,
  attempt: z.number().int(),
  outcome: z.string().nullable(),
  reasons: z.array(z.string()),
  decidedAt: z.string().nullable(),
  reviewDeadline: z.string().nullable(),
  invitation: z
    .object({
      sentCount: z.number().int(),
      resendsLeft: z.number().int(),
      receivedAt: z.string().nullable(),
      email: z.enum(['pending', 'sent', 'failed']).nullable(),
      sms: z.enum(['pending', 'sent', 'failed']).nullable(),
    })
    .nullable()
    .describe('Invitation e-letter delivery per channel (latest letter) and when the applicant acted on it.'),
  activation: z
    .object({
      state: z.enum(['none', 'issued', 'activated']),
      activatedAt: z.string().nullable(),
      letterReceivedAt: z.string().nullable(),
      resendsLeft: z.number().int(),
      email: z.enum(['pending', 'sent', 'failed', 'cancelled']).nullable(),
      sms: z.enum(['pending', 'sent', 'failed', 'cancelled']).nullable(),
    })
    .nullable()
    .describe('Activation code delivery and use, once the verification is approved (null before).'),
});

export const uploadResponse = z.object({
  kind: z.enum(['front', 'back', 'video']),
  mime: z.string(),
  sizeBytes: z.number().int(),
});
export const submitResponse = z.object({ status: z.literal('processing'), attempt: z.number().int() });
export const errorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
