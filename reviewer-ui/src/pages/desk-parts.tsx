// Case-page parts of the desk: the comparator's images, the seen-before panel (other cases side by side) and the
// QA verdict of a sampled case.
import { useCallback, useState } from 'react';
import { caseMediaUrl, stageResult, type CaseDetail, type MediaKind } from '../domains/cases';
import { fetchSeenBefore, fetchQaItem, giveQaVerdict } from '../domains/desk';
import { fetchQueue } from '../domains/queue';
import { useMutation, useQuery } from '../domains/use-async';
import { useI18n } from '../i18n';
import { AsyncView, ErrorBox } from '../components/Async';
import { Comparator, type FaceImage } from '../components/Comparator';
import { CaseShortcuts } from '../components/Shortcuts';
import { Link, useLocation } from '../components/router';

export function CaseComparator({ c }: { c: CaseDetail }) {
  const { t } = useI18n();
  const lm = stageResult(c, 'face')?.cropLandmarks;
  const has = (k: string) => c.media.some((m) => m.kind === k);
  const images: FaceImage[] = (
    [
      ['portrait', 'case.portrait', lm?.portrait],
      ['card_frame', 'case.cardCrop', lm?.cardFrame],
      ['live_frame', 'case.bestLive', lm?.bestFrame],
    ] as const
  )
    .filter(([k]) => has(k))
    .map(([k, label, l]) => ({
      key: k,
      label: t(label),
      src: caseMediaUrl(c.caseId, k as MediaKind),
      landmarks: l ?? null,
    }));
  return <Comparator images={images} />;
}

export function SeenBeforePanel({ c }: { c: CaseDetail }) {
  const { t, dt } = useI18n();
  const flagged = c.reasons.includes('DOCUMENT_SEEN_BEFORE') || c.reasons.includes('FACE_SEEN_BEFORE');
  const q = useQuery(`seen-${c.caseId}`, () => fetchSeenBefore(c.caseId));
  if (!flagged && !q.data?.matches.length) return null;
  const has = (k: string) => c.media.some((m) => m.kind === k);
  return (
    <section aria-labelledby="sec-seen" className="card wide seen-before" data-testid="seen-before">
      <h2 id="sec-seen">{t('seen.title')}</h2>
      <AsyncView q={q}>
        {(d) =>
          d.matches.length === 0 ? (
            <p>{t('seen.none')}</p>
          ) : (
            <>
              <p>{t('seen.intro')}</p>
              {d.matches.map((m) => (
                <div key={m.otherCaseId} className="pair">
                  <figure>
                    {has('live_frame') && (
                      <img src={caseMediaUrl(c.caseId, 'live_frame')} alt={t('seen.thisFace')} />
                    )}
                    <figcaption>
                      {t('seen.thisCase')}: {c.declared.lastName} {c.declared.firstNames} (
                      {c.declared.birthDate ?? '—'})
                    </figcaption>
                  </figure>
                  {(['live_frame', 'portrait'] as const)
                    .filter((k) => m.media.includes(k))
                    .map((k) => (
                      <figure key={k}>
                        <img
                          src={caseMediaUrl(m.otherCaseId, k)}
                          alt={t(k === 'live_frame' ? 'seen.otherFace' : 'seen.otherPortrait', {
                            reference: m.reference,
                          })}
                        />
                        <figcaption>
                          {t(k === 'live_frame' ? 'seen.otherFace' : 'seen.otherPortrait', {
                            reference: m.reference,
                          })}
                        </figcaption>
                      </figure>
                    ))}
                  <div>
                    <p>
                      <Link to={`/cases/${m.otherCaseId}`}>{m.reference}</Link> ·{' '}
                      <span className={`badge status-${m.status}`}>{t(`status.${m.status}`)}</span>
                    </p>
                    <p>
                      {t('seen.declared')}: {m.declared.lastName ?? '—'} {m.declared.firstNames ?? ''} (
                      {m.declared.birthDate ?? '—'})
                    </p>
                    <p>
                      {t('seen.submitted')}: {dt(m.submittedAt)}
                    </p>
                    <ul>
                      {m.kinds.map((k) => (
                        <li key={k}>
                          {k === 'face'
                            ? t('seen.kind.face', {
                                value: m.similarity === null ? '—' : m.similarity.toFixed(4),
                              })
                            : t('seen.kind.document')}
                        </li>
                      ))}
                    </ul>
                  </div>
                </div>
              ))}
            </>
          )
        }
      </AsyncView>
    </section>
  );
}

export function QaPanel({ c }: { c: CaseDetail }) {
  const { t, dt } = useI18n();
  const q = useQuery(`qa-${c.caseId}`, () => fetchQaItem(c.caseId).catch(() => null));
  const [note, setNote] = useState('');
  const m = useMutation((v: 'agree' | 'disagree') => giveQaVerdict(c.caseId, v, note.trim() || undefined));
  const item = q.data;
  if (!item) return null;
  return (
    <section aria-labelledby="sec-qa" className="card wide" data-testid="qa-panel">
      <h2 id="sec-qa">{t('qa.panel')}</h2>
      {item.verdict ? (
        <p role="status">
          {t('qa.given', { verdict: t(`qa.verdict.${item.verdict}`), time: dt(item.reviewedAt) })}
        </p>
      ) : (
        <>
          <p>{t('qa.question', { status: t(`status.${c.status}`) })}</p>
          <label className="note">
            {t('decision.note')}
            <textarea value={note} maxLength={2000} rows={2} onChange={(e) => setNote(e.target.value)} />
          </label>
          <button
            type="button"
            className="primary"
            disabled={m.pending}
            onClick={() => void m.run('agree').then((r) => r && q.reload())}
          >
            {t('qa.agree')}
          </button>{' '}
          <button
            type="button"
            disabled={m.pending}
            onClick={() => void m.run('disagree').then((r) => r && q.reload())}
          >
            {t('qa.disagree')}
          </button>
          {m.error && <ErrorBox error={m.error} />}
        </>
      )}
    </section>
  );
}

/** Shortcuts of the case page; "next case" opens the first other case of the review queue. */
export function CaseKeys({ c }: { c: CaseDetail }) {
  const { navigate } = useLocation();
  const onNext = useCallback(() => {
    void fetchQueue({})
      .then((r) => {
        const next = r.items.find((i) => i.caseId !== c.caseId);
        navigate(next ? `/cases/${next.caseId}` : '/');
      })
      .catch(() => navigate('/'));
  }, [c.caseId, navigate]);
  return <CaseShortcuts onNext={onNext} />;
}
