// Reading the registered e-letter. Before its first opening a GET shows only a button (a mail filter's link
// scan must not count as reading); pressing it (POST) is the first opening, the proof of receipt: its time and the
// sha256 of the reader's IP address and user agent go to the letter row and the audit trail (in one
// transaction), before the letter, with the code, is shown. Plain sha256 (not keyed) on purpose: in a
// dispute, anyone holding the IP and user agent from another source can check them against the proof.
import type { Db } from '../db/index.js';
import { appendAudit } from '../audit/audit-repository.js';
import { renderLetterEnvelope, renderLetterPage, type LetterState } from '../notify/templates.js';
import { sha256Hex, unseal } from './code.js';
import * as store from './activation-repository.js';

export interface LetterDeps {
  db: Db;
  sealingKey: Buffer;
}

export interface Reader {
  ip: string;
  userAgent: string;
}

export interface OpenedLetter {
  html: string;
  firstOpening: boolean;
  caseId: string;
}

/** Tokens are 43 base64url characters; anything else is not looked up. */
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export async function openLetter(
  deps: LetterDeps,
  token: string,
  reader: Reader,
  /** True when the person pressed the button (POST); a GET never records anything. */
  act = false,
): Promise<OpenedLetter | undefined> {
  if (!TOKEN_RE.test(token)) return undefined;
  return deps.db.tx(async (q) => {
    const letter = await store.letterByTokenHash(q, sha256Hex(token));
    if (!letter) return undefined;
    const now = new Date();
    const receipt = { at: now, ipSha256: sha256Hex(reader.ip), uaSha256: sha256Hex(reader.userAgent) };
    const first = act && (await store.recordLetterOpen(q, letter.id, receipt));
    if (first) {
      await appendAudit(q, {
        actorType: 'applicant',
        actorId: null,
        action: 'activation.letter.received',
        caseId: letter.case_id,
        details: {
          letterId: letter.id,
          receivedAt: now.toISOString(),
          ipSha256: receipt.ipSha256,
          uaSha256: receipt.uaSha256,
        },
      });
    }
    const code = (await store.codeById(q, letter.code_id))!;
    const kase = (await store.caseById(q, letter.case_id))!;
    const state: LetterState = code.status === 'active' ? (code.expired ? 'expired' : 'active') : code.status;
    if (!first && !letter.opened_at && state === 'active') {
      // Not opened yet and not by this request: the button only, no code.
      const html = renderLetterEnvelope({
        lang: kase.lang,
        firstNames: kase.applicant.firstNames,
        action: `/letters/${token}`,
      });
      return { html, firstOpening: false, caseId: letter.case_id };
    }
    const html = renderLetterPage({
      lang: kase.lang,
      firstNames: kase.applicant.firstNames,
      state,
      code:
        state === 'active' ? unseal(deps.sealingKey, code.code_sealed, `code:${letter.case_id}`) : undefined,
      expiresAt: new Date(code.expires_at),
      receivedAt: letter.opened_at ? new Date(letter.opened_at) : first ? now : undefined,
      // The app's activation page authenticates with this letter's token: no reference to type.
      activateUrl: `/v/${token}/activate`,
    });
    return { html, firstOpening: first, caseId: letter.case_id };
  });
}
