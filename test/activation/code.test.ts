// Pure parts of activation: code generation, keyed hashing, sealing, templates, error labels.
import { describe, expect, it } from 'vitest';
import {
  codeMatches,
  generateCode,
  hashCode,
  newLetterToken,
  normaliseCode,
  seal,
  sealingKey,
  unseal,
} from '../../service/activation/code.js';
import { renderLetterMail, renderLetterPage, renderSms } from '../../service/notify/templates.js';
import { errorLabel } from '../../service/notify/deliver.js';
import { SmsProviderError, createConsoleSms } from '../../service/notify/sms.js';
import { createLogger } from '../../service/logger.js';
import { tempDir } from '../helpers/env.js';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';

const SECRET = 'a'.repeat(64);
const CASE = '5f0c8f9e-3b9f-4a8e-9d55-0c7b1f3f2a10';

describe('activation code', () => {
  it('is six digits, zero-padded, and spread over the whole range', () => {
    const codes = Array.from({ length: 4000 }, generateCode);
    for (const c of codes) expect(c).toMatch(/^\d{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(3980);
    // Leading digit roughly uniform: each of 0-9 appears (zero padding works).
    const lead = new Set(codes.map((c) => c[0]));
    expect(lead.size).toBe(10);
  });

  it('verifies through the keyed hash only, bound to the case', () => {
    const h = hashCode(SECRET, CASE, '012345');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).not.toContain('012345');
    expect(codeMatches(SECRET, CASE, '012345', h)).toBe(true);
    expect(codeMatches(SECRET, CASE, '012346', h)).toBe(false);
    expect(codeMatches('b'.repeat(64), CASE, '012345', h)).toBe(false);
    expect(codeMatches(SECRET, '00000000-0000-4000-8000-000000000000', '012345', h)).toBe(false);
    expect(codeMatches(SECRET, CASE, '012345', 'abcd')).toBe(false);
  });

  it('normalises applicant input', () => {
    expect(normaliseCode(' 012 345 ')).toBe('012345');
    expect(normaliseCode('12345')).toBeNull();
    expect(normaliseCode('12345a')).toBeNull();
    expect(normaliseCode('１２３４５６')).toBeNull();
  });

  it('seals with AES-256-GCM, bound to its owner, refusing tampering', () => {
    const key = sealingKey(SECRET);
    expect(key.equals(Buffer.from(SECRET))).toBe(false);
    const s = seal(key, '987654', `code:${CASE}`);
    expect(s).not.toContain('987654');
    expect(unseal(key, s, `code:${CASE}`)).toBe('987654');
    expect(seal(key, '987654', `code:${CASE}`)).not.toBe(s);
    expect(() => unseal(key, s, 'code:other')).toThrow();
    expect(() => unseal(sealingKey('c'.repeat(64)), s, `code:${CASE}`)).toThrow();
    const parts = s.split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    expect(() =>
      unseal(key, [parts[0], parts[1], parts[2], ct.toString('base64url')].join('.'), `code:${CASE}`),
    ).toThrow();
  });

  it('letter tokens are 256-bit base64url', () => {
    const t = newLetterToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newLetterToken()).not.toBe(t);
  });
});

describe('templates', () => {
  const expiresAt = new Date('2026-12-24T10:00:00Z');
  it('the e-mail carries the link, in French and English, escaped', () => {
    const fr = renderLetterMail({
      lang: 'fr',
      firstNames: 'Zoé <b>',
      link: 'https://idv.example/letters/abc',
      expiresAt,
    });
    expect(fr.subject).toMatch(/Lettre recommandée/);
    expect(fr.text).toContain('https://idv.example/letters/abc');
    expect(fr.text).toContain('24 décembre 2026');
    expect(fr.html).toContain('href="https://idv.example/letters/abc"');
    expect(fr.html).toContain('Zoé &lt;b&gt;');
    const en = renderLetterMail({ lang: 'en', link: 'https://idv.example/letters/abc', expiresAt });
    expect(en.subject).toMatch(/Registered e-letter/);
    expect(en.text).toContain('24 December 2026');
  });

  it('the letter page shows the code only while it is live', () => {
    const base = { lang: 'en' as const, expiresAt, receivedAt: new Date('2026-11-24T09:00:00Z') };
    expect(renderLetterPage({ ...base, state: 'active', code: '004217' })).toContain('004217');
    const used = renderLetterPage({ ...base, state: 'used' });
    expect(used).toContain('already activated');
    expect(renderLetterPage({ ...base, lang: 'fr', state: 'locked' })).toMatch(/bloqué/);
    expect(renderLetterPage({ ...base, lang: 'fr', state: 'active', code: '004217' })).toMatch(
      /Accusé de réception enregistré le 24 novembre 2026/,
    );
  });

  it('the SMS carries the code and fits one message', () => {
    for (const lang of ['fr', 'en'] as const) {
      const t = renderSms(lang, '004217');
      expect(t).toContain('004217');
      expect(t.length).toBeLessThanOrEqual(160);
      expect(t).toMatch(/^[\x20-\x7e]+$/);
    }
  });
});

describe('delivery error labels', () => {
  it('never carry the message (which may echo an address)', () => {
    const smtp = Object.assign(
      new Error("Can't send mail - all recipients were rejected: 550 <jane@example.org>"),
      {
        code: 'EENVELOPE',
        responseCode: 550,
      },
    );
    expect(errorLabel(smtp)).toBe('EENVELOPE 550');
    expect(errorLabel(new SmsProviderError(503))).toBe('sms_http_503');
    expect(
      errorLabel(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })),
    ).toBe('ECONNREFUSED');
    expect(errorLabel(new Error('+33612345678'))).toBe('Error');
    expect(errorLabel(new Error('Unexpected socket close'))).toBe('ESOCKETCLOSED');
  });
});

describe('console SMS adapter (development)', () => {
  it('writes the message to a 0600 file and logs only that it did', async () => {
    const dir = join(tempDir(), 'outbox-sms');
    const lines: string[] = [];
    const logger = createLogger(
      'trace',
      new Writable({
        write(c, _e, cb) {
          lines.push(String(c));
          cb();
        },
      }),
    );
    const sms = createConsoleSms({ dir, logger });
    await sms.send({ to: '+33698765432', text: renderSms('fr', '314159') });
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    const file = join(dir, files[0]!);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      to: '+33698765432',
      text: expect.stringContaining('314159'),
    });
    const log = lines.join('');
    expect(log).toContain('development outbox');
    expect(log).not.toContain('314159');
    expect(log).not.toContain('+33698765432');
  });
});
