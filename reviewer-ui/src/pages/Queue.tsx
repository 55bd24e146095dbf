// The review queue: most urgent first, filters in the URL, live countdowns, rows reachable by keyboard.
import { DOCUMENT_TYPES } from '../../../service/contracts/stage-results';
import { useMemo } from 'react';
import type { SessionInfo } from '../domains/auth';
import {
  fetchQueue,
  fetchReasons,
  filtersFromSearch,
  filtersToSearch,
  type QueueFilters,
} from '../domains/queue';
import { useQuery } from '../domains/use-async';
import { useI18n } from '../i18n';
import { AsyncView } from '../components/Async';
import { Countdown } from '../components/Countdown';
import { Link, useLocation } from '../components/router';

export function QueuePage({ session }: { session: SessionInfo }) {
  const { t, tOr, dt } = useI18n();
  const { search, navigate } = useLocation();
  const filters = useMemo(() => filtersFromSearch(search), [search]);
  const q = useQuery(`queue${filtersToSearch(filters)}`, () => fetchQueue(filters), { refreshMs: 30_000 });
  const reasons = useQuery('reasons', fetchReasons);
  const set = (patch: Partial<QueueFilters>) =>
    navigate(`/${filtersToSearch({ ...filters, ...patch })}`, { replace: true });

  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">{t('queue.title')}</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} role="search">
        <label>
          {t('queue.filter.reason')}
          <select value={filters.reason ?? ''} onChange={(e) => set({ reason: e.target.value || undefined })}>
            <option value="">{t('queue.filter.any')}</option>
            {(reasons.data?.reasons ?? []).map((r) => (
              <option key={r.code} value={r.code}>
                {t(`reason.${r.code}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('queue.filter.lang')}
          <select
            value={filters.lang ?? ''}
            onChange={(e) => set({ lang: (e.target.value || undefined) as QueueFilters['lang'] })}
          >
            <option value="">{t('queue.filter.any')}</option>
            <option value="fr">FR</option>
            <option value="en">EN</option>
          </select>
        </label>
        <label>
          {t('queue.filter.docType')}
          <select
            value={filters.docType ?? ''}
            onChange={(e) => set({ docType: e.target.value || undefined })}
          >
            <option value="">{t('queue.filter.any')}</option>
            {DOCUMENT_TYPES.map((d) => (
              <option key={d} value={d}>
                {t(`doctype.${d}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={filters.atRisk === '1'}
            onChange={(e) => set({ atRisk: e.target.checked ? '1' : undefined })}
          />
          {t('queue.filter.atRisk')}
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={filters.awaitingSecondApproval === '1'}
            onChange={(e) => set({ awaitingSecondApproval: e.target.checked ? '1' : undefined })}
          />
          {t('queue.filter.secondApproval')}
        </label>
        <button type="button" onClick={() => navigate('/', { replace: true })}>
          {t('queue.filter.clear')}
        </button>
      </form>
      <AsyncView q={q}>
        {(data) =>
          data.items.length === 0 ? (
            <p className="empty">{t('queue.empty')}</p>
          ) : (
            <>
              <p className="count" aria-live="polite">
                {t('queue.count', { count: data.items.length })}
              </p>
              <table className="queue">
                <thead>
                  <tr>
                    <th scope="col">{t('queue.col.reference')}</th>
                    <th scope="col">
                      {t('queue.col.deadline')} <small>({t('common.tzNote')})</small>
                    </th>
                    <th scope="col">{t('queue.col.left')}</th>
                    <th scope="col">{t('queue.col.reasons')}</th>
                    <th scope="col">{t('queue.col.lang')}</th>
                    <th scope="col">{t('queue.col.docType')}</th>
                    <th scope="col">{t('queue.col.claim')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((i) => (
                    <tr key={i.caseId} className={i.atRisk ? 'at-risk' : undefined}>
                      <td>
                        <Link
                          to={`/cases/${i.caseId}`}
                          aria-label={t('queue.open', { reference: i.reference })}
                        >
                          {i.reference}
                        </Link>
                        {i.atRisk && <span className="badge warn">{t('queue.atRisk')}</span>}
                        {i.awaitingSecondApproval && (
                          <span className="badge info">{t('queue.secondApproval')}</span>
                        )}
                      </td>
                      <td>{dt(i.deadline)}</td>
                      <td>
                        <Countdown
                          deadline={i.deadline}
                          workingHoursLeft={i.workingHoursLeft}
                          atRisk={i.atRisk}
                          serverNow={data.now}
                        />
                      </td>
                      <td>
                        {i.reasons.map((r) => (
                          <span key={r} className="reason" title={r}>
                            {tOr(`reason.${r}`, r)}
                          </span>
                        ))}
                      </td>
                      <td>{i.lang.toUpperCase()}</td>
                      <td>{i.docType ? tOr(`doctype.${i.docType}`, i.docType) : '—'}</td>
                      <td>
                        {i.claimedBy
                          ? i.claimedBy === session.reviewer.id
                            ? t('queue.claimedByYou')
                            : (data.reviewers?.[i.claimedBy] ?? t('queue.claimedByOther'))
                          : '—'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )
        }
      </AsyncView>
    </section>
  );
}
