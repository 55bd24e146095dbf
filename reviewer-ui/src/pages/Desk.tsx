// Desk pages: the QA queue, the development outbox (admins), the per-reviewer figures of the ops view, and the
// header's search by reference or id.
import { useEffect, useState, type FormEvent } from 'react';
import {
  fetchDevOutbox,
  fetchQaQueue,
  fetchReviewerFigures,
  searchCases,
  type SearchHit,
} from '../domains/desk';
import { useQuery } from '../domains/use-async';
import { useI18n } from '../i18n';
import { AsyncView, ErrorBox } from '../components/Async';
import { Link, useLocation } from '../components/router';

export function QaPage() {
  const { t, dt } = useI18n();
  const pending = useQuery('qa-pending', () => fetchQaQueue('pending'));
  const done = useQuery('qa-done', () => fetchQaQueue('done'));
  return (
    <section aria-labelledby="qa-title">
      <h1 id="qa-title">{t('qa.title')}</h1>
      <p>{t('qa.intro')}</p>
      <AsyncView q={pending}>
        {(d) =>
          d.items.length === 0 ? (
            <p>{t('qa.empty')}</p>
          ) : (
            <table className="queue" data-testid="qa-queue">
              <thead>
                <tr>
                  <th scope="col">{t('queue.col.reference')}</th>
                  <th scope="col">{t('qa.col.status')}</th>
                  <th scope="col">{t('qa.col.decided')}</th>
                  <th scope="col">{t('qa.col.sampled')}</th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((i) => (
                  <tr key={i.caseId}>
                    <td>
                      <Link to={`/cases/${i.caseId}`}>{i.reference}</Link>
                    </td>
                    <td>{t(`status.${i.status}`)}</td>
                    <td>{dt(i.decidedAt)}</td>
                    <td>{dt(i.sampledAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </AsyncView>
      <h2>{t('qa.done')}</h2>
      <AsyncView q={done}>
        {(d) => (
          <ul>
            {d.items.slice(0, 20).map((i) => (
              <li key={i.caseId}>
                <Link to={`/cases/${i.caseId}`}>{i.reference}</Link> —{' '}
                {t(`qa.verdict.${i.verdict ?? 'agree'}`)} · {dt(i.reviewedAt)}
              </li>
            ))}
          </ul>
        )}
      </AsyncView>
    </section>
  );
}

export function DevOutboxPage() {
  const { t, dt } = useI18n();
  const q = useQuery('dev-outbox', fetchDevOutbox, { refreshMs: 10_000 });
  return (
    <section aria-labelledby="outbox-title">
      <h1 id="outbox-title">{t('outbox.title')}</h1>
      <p className="warn-box">{t('outbox.intro')}</p>
      <AsyncView q={q}>
        {(d) =>
          d.items.length === 0 ? (
            <p>{t('outbox.empty')}</p>
          ) : (
            <>
              {d.items.map((m) => (
                <article key={m.id} className="card outbox-item" data-testid={`outbox-${m.channel}`}>
                  <h2>{m.channel === 'email' ? `✉ ${m.subject}` : t('outbox.sms')}</h2>
                  <p>
                    {t('outbox.to')}: <strong>{m.to}</strong> · {dt(m.at)}
                  </p>
                  {m.channel === 'email' ? (
                    // As the applicant's mail client shows it; sandboxed: no script, links open outside.
                    <iframe
                      title={m.subject}
                      sandbox="allow-popups allow-popups-to-escape-sandbox"
                      srcDoc={m.html}
                    />
                  ) : (
                    <pre>{m.text}</pre>
                  )}
                </article>
              ))}
            </>
          )
        }
      </AsyncView>
    </section>
  );
}

export function ReviewerFiguresSection() {
  const { t, lang } = useI18n();
  const q = useQuery('ops-reviewers', fetchReviewerFigures, { refreshMs: 30_000 });
  const pct = new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    style: 'percent',
    maximumFractionDigits: 1,
  });
  return (
    <section className="card" aria-labelledby="ops-reviewers">
      <h2 id="ops-reviewers">{t('opsq.title')}</h2>
      <AsyncView q={q}>
        {(d) => (
          <>
            <p>
              {t('opsq.totals', {
                sampled: d.sampled,
                pending: d.pending,
                agreed: d.agreed,
                disagreed: d.disagreed,
              })}
            </p>
            <table className="queue" data-testid="reviewer-figures">
              <thead>
                <tr>
                  <th scope="col">{t('opsq.col.who')}</th>
                  <th scope="col">{t('decision.approve')}</th>
                  <th scope="col">{t('decision.reject')}</th>
                  <th scope="col">{t('decision.resubmit')}</th>
                  <th scope="col">{t('opsq.col.qaDone')}</th>
                  <th scope="col">{t('opsq.col.checked')}</th>
                  <th scope="col">{t('opsq.col.agreement')}</th>
                </tr>
              </thead>
              <tbody>
                {d.reviewers.map((r) => (
                  <tr key={r.reviewerId}>
                    <th scope="row">
                      {r.reviewerId === 'auto' ? t('opsq.auto') : (d.names[r.reviewerId] ?? r.reviewerId)}
                    </th>
                    <td>{r.decisions.approve}</td>
                    <td>{r.decisions.reject}</td>
                    <td>{r.decisions.resubmit}</td>
                    <td>{r.qaDone}</td>
                    <td>{r.qaChecked}</td>
                    <td>{r.agreement === null ? '—' : pct.format(r.agreement)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </AsyncView>
    </section>
  );
}

export function SearchBox() {
  const { t } = useI18n();
  const { navigate, path } = useLocation();
  const [text, setText] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [error, setError] = useState<Error>();
  // Opening a result (or any other page) closes the list.
  useEffect(() => setHits(null), [path]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    if (!text.trim()) return;
    try {
      const r = await searchCases(text.trim());
      if (r.items.length === 1) {
        setHits(null);
        setText('');
        // Leave the field: the case page's keyboard shortcuts work at once.
        if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
        navigate(`/cases/${r.items[0]!.caseId}`);
      } else setHits(r.items);
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <form className="search" role="search" onSubmit={(e) => void submit(e)}>
      <label className="sr-only" htmlFor="case-search">
        {t('search.label')}
      </label>
      <input
        id="case-search"
        type="search"
        value={text}
        placeholder={t('search.placeholder')}
        onChange={(e) => setText(e.target.value)}
        maxLength={80}
      />
      <button type="submit">{t('search.submit')}</button>
      {hits && (
        <ul className="search-results" aria-live="polite">
          {hits.length === 0 && <li>{t('search.none')}</li>}
          {hits.map((h) => (
            <li key={h.caseId}>
              <Link to={`/cases/${h.caseId}`}>{h.reference}</Link> · {t(`status.${h.status}`)}
            </li>
          ))}
        </ul>
      )}
      {error && <ErrorBox error={error} />}
    </form>
  );
}
