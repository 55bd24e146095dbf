// HTTP: the business service downloads a verification's evidence file (API key); anyone reads the public keys.
import { Router, type Request, type Response } from 'express';
import { requireApiKey } from '../api/api-key.js';
import { conflict, HttpError, notFound } from '../api/errors.js';
import type { EvidenceService } from './service.js';
import type { PublishedKeySet } from './keys.js';

export const EVIDENCE_KEYS_PATH = '/.well-known/idv-evidence-keys.json';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function evidenceRouter(svc: EvidenceService, apiKeys: readonly string[]): Router {
  const r = Router();
  r.get('/verifications/:id/evidence', requireApiKey(apiKeys), async (req: Request, res: Response) => {
    const id = String(req.params.id);
    if (!UUID_RE.test(id)) throw notFound('No such verification');
    const { outcome, bytes } = await svc.read(id);
    if (outcome.status === 'not_found') throw notFound('No such verification');
    if (outcome.status === 'not_final')
      throw conflict(
        'not_final',
        'The evidence file is built at the final outcome; this verification has none yet',
      );
    if (outcome.status === 'erased' || !bytes)
      throw new HttpError(
        410,
        'evidence_purged',
        'The evidence file was purged at the end of its retention period',
      );
    const asPdf = req.query.format === 'pdf';
    res.setHeader('cache-control', 'no-store');
    if (asPdf) {
      const file = JSON.parse(bytes.toString()) as { pdf: string };
      res
        .type('application/pdf')
        .setHeader('content-disposition', `attachment; filename="evidence-${id}.pdf"`);
      res.send(Buffer.from(file.pdf, 'base64'));
      return;
    }
    res
      .type('application/json')
      .setHeader('content-disposition', `attachment; filename="evidence-${id}.json"`);
    res.send(bytes);
  });
  return r;
}

export function evidenceKeysRouter(keys: PublishedKeySet): Router {
  const r = Router();
  r.get(EVIDENCE_KEYS_PATH, (_req, res) => {
    res.setHeader('cache-control', 'public, max-age=3600');
    res.json(keys);
  });
  return r;
}
