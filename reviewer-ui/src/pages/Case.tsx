// The case page: header with countdown and claim, the evidence sections, and the decision panel.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { canSupervise, type SessionInfo } from '../domains/auth';
import {
  approvalBlock,
  claimCase,
  decideCase,
  fetchCase,
  releaseCase,
  reportView,
  takeOverCase,
  type CaseDetail,
  type Checks,
  type DecisionAction,
  type ViewEvent,
} from '../domains/cases';
import { fetchReasons } from '../domains/queue';
import { useMutation, useQuery } from '../domains/use-async';
import { useI18n } from '../i18n';
import { AsyncView, ErrorBox } from '../components/Async';
import { Countdown } from '../components/Countdown';
import { Link } from '../components/router';
import {
  DocumentSection,
  FacesSection,
  HistorySection,
  IdentitySection,
  SignalsSection,
  VideoSection,
} from './case-parts';
import { CaseComparator, CaseKeys, QaPanel, SeenBeforePanel } from './desk-parts';

export function CasePage({ caseId, session }: { caseId: string; session: SessionInfo }) {
  const { t } = useI18n();
  const q = useQuery(`case-${caseId}`, () => fetchCase(caseId));
  return (
    <article>
      <p>
        <Link to="/">← {t('case.backToQueue')}</Link>
      </p>
      <AsyncView q={q}>{(c) => <CaseView c={c} session={session} reload={q.reload} />}</AsyncView>
    </article>
  );
}

function CaseView({ c, session, reload }: { c: CaseDetail; session: SessionInfo; reload(): void }) {
  const { t, dt } = useI18n();
  const [deadlinePassed, setDeadlinePassed] = useState(false);
  // Kept here: the decision panel unmounts once the case is decided.
  const [notice, setNotice] = useState<string>();
  const onExpire = useCallback(() => setDeadlinePassed(true), []);
  const claim = useMutation(() => claimCase(c.caseId));
  const release = useMutation(() => releaseCase(c.caseId));
  const takeOver = useMutation(() => takeOverCase(c.caseId));
  const mine = c.lease?.reviewerId === session.reviewer.id;
  const inReview = c.status === 'in_review';
  const who = (id: string) => c.reviewers[id] ?? id;
  const supervisor = canSupervise(session.reviewer.role);
  // The checklist follows what the reviewer does on this page (each event is recorded by the server, which
  // answers with the checklist it will enforce).
  const [checks, setChecks] = useState<Checks>(c.checks);
  useEffect(() => setChecks(c.checks), [c.checks]);
  const onViewed = useCallback(
    (e: ViewEvent) => {
      void reportView(c.caseId, e)
        .then((r) => setChecks(r.checks))
        .catch(() => undefined);
    },
    [c.caseId],
  );

  return (
    <>
      <header className="case-head card">
        <h1>{t('case.title', { reference: c.reference })}</h1>
        <p>
          <span className={`badge status-${c.status}`}>{t(`status.${c.status}`)}</span> ·{' '}
          {t('case.attempt', { n: c.attempt })} · {c.lang.toUpperCase()}
        </p>
        <p>
          {t('case.deadline')}: <strong>{dt(c.deadline)}</strong> <small>({t('common.tzNote')})</small>{' '}
          {inReview && (
            <Countdown
              deadline={c.deadline}
              workingHoursLeft={c.workingHoursLeft}
              atRisk={c.atRisk}
              serverNow={c.now}
              onExpire={onExpire}
            />
          )}
        </p>
        {c.status === 'expired' && (
          <p className="error" role="alert">
            {t('case.expired')}
          </p>
        )}
        {!inReview && c.status !== 'expired' && (
          <p className="info">{t('case.decided', { status: t(`status.${c.status}`) })}</p>
        )}
        {inReview && (
          <div className="claim">
            {c.lease ? (
              <p data-testid="lease-holder">
                {mine
                  ? t('case.claimedByYou', { time: dt(c.lease.expiresAt) })
                  : t('case.claimedByOther', {
                      who: who(c.lease.reviewerId),
                      since: dt(c.lease.claimedAt),
                      time: dt(c.lease.expiresAt),
                    })}
              </p>
            ) : (
              <p>{t('case.notClaimed')}</p>
            )}
            {c.lease && !mine && supervisor && !deadlinePassed && (
              <button
                type="button"
                disabled={takeOver.pending}
                onClick={() => void takeOver.run(undefined).then((r) => r && reload())}
              >
                {t('case.takeOver')}
              </button>
            )}
            {(!c.lease || mine) && !deadlinePassed && (
              <button
                type="button"
                className="primary"
                disabled={claim.pending}
                onClick={() => void claim.run(undefined).then((r) => r && reload())}
              >
                {mine ? t('case.renew') : t('case.claim')}
              </button>
            )}
            {mine && (
              <button
                type="button"
                disabled={release.pending}
                onClick={() => void release.run(undefined).then((r) => r && reload())}
              >
                {t('case.release')}
              </button>
            )}
            {claim.error && <ErrorBox error={claim.error} />}
            {release.error && <ErrorBox error={release.error} />}
            {takeOver.error && <ErrorBox error={takeOver.error} />}
          </div>
        )}
        {inReview && c.fourEyes.required && (
          <p className="warn-box" data-testid="four-eyes-stage">
            <strong>
              {t(c.fourEyes.stage === 'second_approval' ? 'case.fourEyes.step2' : 'case.fourEyes.step1')}
            </strong>{' '}
            {c.fourEyes.firstApproverId
              ? t('case.fourEyesPending', {
                  who: who(c.fourEyes.firstApproverId),
                  time: dt(c.fourEyes.firstApprovedAt),
                })
              : t('case.fourEyes', {
                  reasons: c.reasons
                    .filter((r) => r === 'FACE_MISMATCH' || r === 'DIGITS_MISMATCH')
                    .map((r) => t(`reason.${r}`))
                    .join(', '),
                })}
          </p>
        )}
      </header>
      {notice && (
        <p className="info" role="status">
          {notice}
        </p>
      )}
      {inReview && mine && !deadlinePassed && (
        <DecisionPanel
          c={c}
          session={session}
          checks={checks}
          onDone={(msg) => {
            setNotice(msg);
            reload();
          }}
        />
      )}
      {inReview && deadlinePassed && (
        <p className="error" role="alert">
          {t('errors.deadline_passed')}
        </p>
      )}
      <SeenBeforePanel c={c} />
      <QaPanel c={c} />
      <CaseKeys c={c} />
      <div className="sections">
        <CaseComparator c={c} />
        <DocumentSection c={c} onViewed={onViewed} />
        <IdentitySection c={c} />
        <FacesSection c={c} />
        <VideoSection c={c} onViewed={onViewed} />
        <SignalsSection c={c} />
        <HistorySection c={c} />
      </div>
    </>
  );
}

function DecisionPanel({
  c,
  session,
  checks,
  onDone,
}: {
  c: CaseDetail;
  session: SessionInfo;
  checks: Checks;
  onDone(message: string): void;
}) {
  const { t } = useI18n();
  const reasons = useQuery('reasons', fetchReasons);
  // The approve button follows the four-eyes rule the server applies (no enabled button that then fails).
  const blocked = approvalBlock(c, {
    id: session.reviewer.id,
    supervisor: canSupervise(session.reviewer.role),
  });
  const [action, setAction] = useState<DecisionAction>(blocked ? 'reject' : 'approve');
  const missing = checks.required.filter((i) => !checks.done.includes(i));
  const [chosen, setChosen] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const [local, setLocal] = useState<string>();
  const m = useMutation((body: { action: DecisionAction; reasons: string[]; note?: string }) =>
    decideCase(c.caseId, body),
  );
  const needsReason = action !== 'approve';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setLocal(undefined);
    if (needsReason && chosen.length === 0) return setLocal(t('decision.needReason'));
    const r = await m.run({ action, reasons: needsReason ? chosen : [], note: note.trim() || undefined });
    if (!r) return;
    onDone(
      r.status === 'awaiting_second_approval'
        ? t('decision.awaiting')
        : t('decision.done', { status: t(`status.${r.caseStatus}`) }),
    );
  };
  const toggle = (code: string) =>
    setChosen((cs) => (cs.includes(code) ? cs.filter((x) => x !== code) : [...cs, code]));
  return (
    <section aria-labelledby="sec-decision" className="card decision">
      <h2 id="sec-decision">{t('case.section.decision')}</h2>
      <form onSubmit={submit}>
        <fieldset className="actions">
          <legend className="sr-only">{t('case.section.decision')}</legend>
          {(['approve', 'reject', 'resubmit'] as const).map((a) => (
            <label key={a} className={`action action-${a}`}>
              <input
                type="radio"
                name="action"
                value={a}
                checked={action === a}
                disabled={a === 'approve' && blocked !== null}
                onChange={() => setAction(a)}
              />
              {t(`decision.${a}`)}
            </label>
          ))}
        </fieldset>
        {blocked && (
          <p className="warn-box" data-testid="approve-blocked">
            {t(`decision.blocked.${blocked}`)}
          </p>
        )}
        <fieldset className="checklist" data-testid="checklist">
          <legend>{t('decision.checklist')}</legend>
          <ul>
            {checks.required.map((i) => {
              const done = checks.done.includes(i);
              return (
                <li key={i} className={done ? 'ok' : 'todo'} data-item={i} data-done={done}>
                  <span aria-hidden="true">{done ? '✔' : '☐'}</span> {t(`decision.check.${i}`)}
                  <span className="sr-only">
                    {' '}
                    — {done ? t('decision.check.done') : t('decision.check.todo')}
                  </span>
                </li>
              );
            })}
          </ul>
          {missing.length > 0 && <p className="hint">{t('decision.checklistHint')}</p>}
        </fieldset>
        {needsReason && (
          <fieldset className="reasons">
            <legend>{t('decision.reasons')}</legend>
            {(reasons.data?.reasons ?? []).map((r) => (
              <label key={r.code}>
                <input
                  type="checkbox"
                  name="reason"
                  value={r.code}
                  checked={chosen.includes(r.code)}
                  onChange={() => toggle(r.code)}
                />
                <code>{r.code}</code> {t(`reason.${r.code}`)}
              </label>
            ))}
          </fieldset>
        )}
        <label className="note">
          {t('decision.note')}
          <textarea value={note} maxLength={2000} rows={3} onChange={(e) => setNote(e.target.value)} />
        </label>
        {local && (
          <p className="error" role="alert">
            {local}
          </p>
        )}
        {m.error && <ErrorBox error={m.error} />}
        <button
          type="submit"
          className={`primary action-${action}`}
          disabled={m.pending || missing.length > 0}
          data-testid="decision-submit"
        >
          {m.pending ? t('decision.pending') : t('decision.submit', { action: t(`decision.${action}`) })}
        </button>
      </form>
    </section>
  );
}
