// Status: the checks' progress, live (polling), then the outcome in plain words. Approved: the activation
// code form. In review: the deadline in Paris time. Resubmission: what went wrong and how to do better, then
// start again (a new challenge). Rejected: what to do instead.
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n';
import { Layout, Progress } from '../components/Layout';
import { getSession, STAGES, type Session } from '../domains/session';
import { ActivationForm } from './Activation';

const FINAL = new Set(['approved', 'rejected', 'expired']);

export function Status(props: { initial: Session; onRestart(s: Session): void }) {
  const { t, dt } = useI18n();
  const [s, setS] = useState(props.initial);
  useEffect(() => {
    if (FINAL.has(s.status) && s.activation?.state !== 'none') return;
    const id = window.setInterval(
      () => {
        getSession()
          .then(setS)
          .catch(() => undefined);
      },
      s.status === 'processing' ? 1500 : 10_000,
    );
    return () => clearInterval(id);
  }, [s.status, s.activation?.state]);

  const total = STAGES.reduce((n, k) => n + (s.progress[k]?.percent ?? 0), 0) / STAGES.length / 100;
  const title =
    s.status === 'processing' || s.status === 'created'
      ? t('status.processing.title')
      : t(`status.${s.status}.title`);
  return (
    <Layout title={title}>
      {s.status === 'processing' && (
        <>
          <p className="lead">{t('status.processing.lead')}</p>
          <Progress value={total} label={t('status.progress')} />
          <ul className="stages" aria-live="polite">
            {STAGES.map((k) => {
              const st = s.progress[k]?.state ?? 'pending';
              return (
                <li key={k} className={`stage ${st}`}>
                  <span className="stage-mark" aria-hidden="true">
                    {st === 'done' ? '✓' : st === 'running' ? '…' : st === 'failed' ? '!' : '○'}
                  </span>
                  <span className="stage-name">{t(`stage.${k}`)}</span>
                  <span className="stage-state">{t(`stage.state.${st}`)}</span>
                </li>
              );
            })}
          </ul>
        </>
      )}
      {s.status === 'in_review' && (
        <>
          <p className="lead">{t('status.in_review.lead')}</p>
          {s.reviewDeadline && (
            <p className="card">{t('status.in_review.deadline', { at: dt(s.reviewDeadline) })}</p>
          )}
          <p className="muted">{t('status.in_review.after')}</p>
        </>
      )}
      {s.status === 'approved' && (
        <>
          <p className="lead">{t('status.approved.lead')}</p>
          <ActivationForm />
        </>
      )}
      {s.status === 'resubmission_requested' && (
        <>
          <p className="lead">{t('status.resubmission_requested.lead')}</p>
          <ul className="advice">
            {s.reasons.map((r) => (
              <li key={r}>{t(`advice.${r}`) === `advice.${r}` ? t('advice.other') : t(`advice.${r}`)}</li>
            ))}
          </ul>
          <p className="muted">{t('status.attempts', { n: Math.max(0, s.maxAttempts - s.attempt + 1) })}</p>
          <div className="actions">
            <button type="button" className="primary" onClick={() => props.onRestart(s)}>
              {t('status.restart')}
            </button>
          </div>
        </>
      )}
      {s.status === 'rejected' && (
        <>
          <p className="lead">{t('status.rejected.lead')}</p>
          <p>{t('status.rejected.instead')}</p>
        </>
      )}
      {s.status === 'expired' && <p className="lead">{t('error.verification_expired.text')}</p>}
    </Layout>
  );
}
