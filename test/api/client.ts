// Test helpers for the applicant API: an HTTP client for both callers, a fresh PostgreSQL database per
// file, and fixture identities. No mocks: requests go to a running service.
import { readFile } from 'node:fs/promises';
import type { Queryable } from '../../service/db/index.js';
import type { FixtureCase } from '../helpers/fixtures.js';

export interface Created {
  id: string;
  reference: string;
  token: string;
  applicantUrl: string;
  expiresAt: string;
}

export function identityOf(fx: FixtureCase) {
  return {
    lastName: fx.truth.identity.surname,
    firstNames: fx.truth.identity.givenNames.join(' '),
    birthDate: fx.truth.identity.birthDate,
    email: 'applicant@example.test',
    mobile: '+33 6 12 34 56 78',
  };
}

/** Parsed JSON body (shape checked by each test against the API schemas). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export class ApiClient {
  constructor(
    readonly base: string,
    readonly apiKey: string,
  ) {}

  async create(
    applicant: Record<string, string>,
    lang = 'fr',
    extra: Record<string, unknown> = {},
  ): Promise<Created> {
    const r = await fetch(`${this.base}/v1/verifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': this.apiKey },
      body: JSON.stringify({ lang, applicant, ...extra }),
    });
    if (r.status !== 201) throw new Error(`create: ${r.status} ${await r.text()}`);
    return (await r.json()) as Created;
  }

  /** The challenge, as the applicant app asks for it when recording starts (issued on the first call). */
  async challenge(
    token: string,
  ): Promise<{ digits: string; lang: string; expiresAt: string; issued: boolean }> {
    const r = await fetch(`${this.base}/v1/applicant/challenge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    if (r.status !== 200) throw new Error(`challenge: ${r.status} ${await r.text()}`);
    return (await r.json()) as { digits: string; lang: string; expiresAt: string; issued: boolean };
  }

  async upload(
    token: string,
    kind: string,
    data: Buffer | string,
    filename = 'upload.bin',
  ): Promise<{ status: number; body: Json }> {
    const buf = typeof data === 'string' ? await readFile(data) : data;
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(buf)]), filename);
    const r = await fetch(`${this.base}/v1/applicant/media/${kind}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    return { status: r.status, body: await r.json() };
  }

  async submit(token: string): Promise<{ status: number; body: Json }> {
    const r = await fetch(`${this.base}/v1/applicant/submit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: r.status, body: await r.json() };
  }

  async status(token: string): Promise<Json> {
    const r = await fetch(`${this.base}/v1/applicant/status`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (r.status !== 200) throw new Error(`status: ${r.status}`);
    return r.json();
  }

  /** Polls until the status leaves `created`/`processing`, or throws after timeoutMs. */
  async waitForDecision(token: string, timeoutMs: number): Promise<Json> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.status(token).catch(() => undefined);
      if (s && s.status !== 'processing' && s.status !== 'created') return s;
      if (Date.now() > end)
        throw new Error(`no decision within ${timeoutMs} ms (last: ${JSON.stringify(s)})`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Creates a verification for the fixture, binds its spoken digits as the challenge, uploads and submits. */
  /** `beforeSubmit` runs after the uploads (e.g. to alter what they stored). */
  async submitFixture(
    db: Queryable,
    fx: FixtureCase,
    video: string,
    beforeSubmit?: (c: Created) => Promise<void>,
  ): Promise<Created> {
    const c = await this.create(identityOf(fx), fx.truth.lang);
    // The fixture video says fixed digits: make them the issued challenge (the server's digits are random).
    await this.challenge(c.token);
    await db.query('UPDATE challenges SET digits = $1 WHERE case_id = $2', [fx.truth.digits, c.id]);
    for (const [kind, path] of [
      ['front', fx.front],
      ['back', fx.back],
      ['video', video],
    ] as const) {
      if (!path) continue;
      const u = await this.upload(c.token, kind, path);
      if (u.status !== 201) throw new Error(`upload ${kind}: ${u.status} ${JSON.stringify(u.body)}`);
    }
    await beforeSubmit?.(c);
    const s = await this.submit(c.token);
    if (s.status !== 202) throw new Error(`submit: ${s.status} ${JSON.stringify(s.body)}`);
    return c;
  }

  /**
   * Submits the fixture (submitFixture) and waits until the pipeline has put it in the review queue: the case
   * id and the reference a reviewer searches for. Throws on any other outcome.
   */
  async submitForReview(
    db: Queryable,
    fx: FixtureCase,
    video: string,
  ): Promise<{ id: string; reference: string }> {
    const c = await this.submitFixture(db, fx, video);
    const s = await this.waitForDecision(c.token, 400_000);
    if (s.status !== 'in_review') throw new Error(`expected in_review, got ${JSON.stringify(s.status)}`);
    const r = await db.query<{ reference: string }>('SELECT reference FROM cases WHERE id = $1', [c.id]);
    return { id: c.id, reference: r.rows[0]!.reference };
  }
}

export { freshPgDatabase } from '../helpers/pg.js';
