// HTTP surface of invitations:
//   GET  /invitations/:token          the registered e-letter page (records nothing: link scanners GET it)
//   POST /invitations/:token/confirm  "Confirm my identity": records the proof of receipt, then 303 to the app
//   POST /v1/verifications/:id/invite business service (API key): send a new invitation (bounded)
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/index.js';
import { HttpError, badRequest, conflict, notFound } from '../errors.js';
import { requireApiKey } from '../api-key.js';
import { confirmLetter, letterPage, resendInvitation, type Channel } from '../../invitation/service.js';
import { renderNotFoundPage } from '../../notify/templates.js';

const noStore = (res: Response) => {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Robots-Tag', 'noindex');
};

export function invitationPageRouter(db: Db, secret: string): Router {
  const r = Router();
  r.use(express.urlencoded({ extended: false, limit: '1kb' }));
  r.get('/:token', async (req: Request, res: Response) => {
    const html = await letterPage(db, String(req.params.token));
    noStore(res);
    res
      .status(html ? 200 : 404)
      .type('html')
      .send(html ?? renderNotFoundPage());
  });
  r.post('/:token/confirm', async (req: Request, res: Response) => {
    const target = await confirmLetter(db, secret, String(req.params.token), {
      ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      userAgent: req.get('user-agent') ?? '',
    });
    noStore(res);
    if (!target) {
      res.status(404).type('html').send(renderNotFoundPage());
      return;
    }
    res.redirect(303, target);
  });
  return r;
}

const InviteBody = z.object({ email: z.boolean().optional(), sms: z.boolean().optional() }).strict();

export function invitationApiRouter(deps: { db: Db; secret: string; apiKeys: readonly string[] }): Router {
  const r = Router();
  r.post('/verifications/:id/invite', requireApiKey(deps.apiKeys), async (req: Request, res: Response) => {
    const id = String(req.params.id);
    // The exact UUID shape: 36 dashes passed the looser pattern and reached the database as a 500.
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
      throw notFound('No such verification');
    const body = InviteBody.safeParse(req.body ?? {});
    if (!body.success) throw badRequest('invalid_request', 'Expected {email?: boolean, sms?: boolean}');
    const channels: Channel[] = [];
    if (body.data.email ?? true) channels.push('email');
    if (body.data.sms) channels.push('sms');
    if (!channels.length) throw badRequest('invalid_request', 'Choose at least one channel');
    const out = await resendInvitation(deps.db, { secret: deps.secret }, id, channels);
    if (out === 'not_found') throw notFound('No such verification');
    if (out === 'closed')
      throw conflict('already_submitted', 'This verification no longer awaits the applicant');
    if (out === 'limit')
      throw new HttpError(409, 'invite_limit', 'No more invitations can be sent for this verification');
    res.status(202).json({ status: 'queued', generation: out.generation, channels });
  });
  return r;
}
