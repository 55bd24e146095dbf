// Ops dashboard: review backlog, deadline risk, breaches, failed deliveries, recent decisions.
import { fetchOpsSummary } from '../domains/ops';
import { useQuery } from '../domains/use-async';
import { useI18n } from '../i18n';
import { AsyncView } from '../components/Async';
import { Countdown } from '../components/Countdown';
import { Link } from '../components/router';
import { LineChart } from '../components/LineChart';
import { OpsQueuesSection } from './OpsQueues';
import { ReviewerFiguresSection } from './Desk';

export function OpsPage() {
  const { t, lang, num } = useI18n();
  const hm = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Europe/Paris',
  });
  const q = useQuery('ops', fetchOpsSummary, { refreshMs: 15_000 });
  return (
    <section aria-labelledby="ops-title">
      <h1 id="ops-title">{t('ops.title')}</h1>
      <p>
        <a href="/ops/queues">{t('ops.queues')}</a>
      </p>
      <AsyncView q={q}>
        {(d) => {
          const max = Math.max(1, ...d.decisionsLast24h.map((x) => x.count));
          return (
            <>
              <div className="tiles">
                <Tile label={t('ops.depth')} value={d.stats.depth} />
                <Tile label={t('ops.atRisk')} value={d.stats.atRisk} warn={d.stats.atRisk > 0} />
                <Tile label={t('ops.oldest')} value={num(d.stats.oldestWorkingHours, 1)} />
                <Tile label={t('ops.breaches')} value={d.stats.breaches} warn={d.stats.breaches > 0} />
              </div>
              <section className="card">
                <h2>{t('ops.lastHour')}</h2>
                <div className="charts">
                  <LineChart
                    title={t('ops.chart.depth')}
                    xLabels={d.timeline.map((p) => hm.format(new Date(p.at)))}
                    series={[
                      {
                        label: t('ops.depth'),
                        values: d.timeline.map((p) => p.reviewDepth),
                        className: 's1',
                      },
                    ]}
                  />
                  <LineChart
                    title={t('ops.chart.processing')}
                    unit=" s"
                    xLabels={d.timeline.map((p) => hm.format(new Date(p.at)))}
                    series={[
                      { label: 'p50', values: d.timeline.map((p) => p.processingP50), className: 's1' },
                      { label: 'p95', values: d.timeline.map((p) => p.processingP95), className: 's2' },
                    ]}
                  />
                  <LineChart
                    title={t('ops.chart.reviewWait')}
                    unit=" min"
                    xLabels={d.timeline.map((p) => hm.format(new Date(p.at)))}
                    series={[
                      {
                        label: 'p50',
                        values: d.timeline.map((p) =>
                          p.reviewWaitP50 === null ? null : p.reviewWaitP50 / 60,
                        ),
                        className: 's1',
                      },
                      {
                        label: 'p95',
                        values: d.timeline.map((p) =>
                          p.reviewWaitP95 === null ? null : p.reviewWaitP95 / 60,
                        ),
                        className: 's2',
                      },
                    ]}
                  />
                </div>
              </section>
              <OpsQueuesSection />
              <ReviewerFiguresSection />
              <div className="sections">
                <section className="card">
                  <h2>{t('ops.decisions')}</h2>
                  <svg
                    className="bars"
                    role="img"
                    aria-label={t('ops.decisions')}
                    viewBox={`0 0 320 ${d.decisionsLast24h.length * 28 + 4}`}
                  >
                    {d.decisionsLast24h.map((x, i) => (
                      <g key={x.outcome} transform={`translate(0, ${i * 28})`}>
                        <text x="0" y="18">
                          {x.outcome}
                        </text>
                        <rect
                          x="90"
                          y="4"
                          height="18"
                          width={(200 * x.count) / max}
                          className={`bar-${x.outcome}`}
                        />
                        <text x={96 + (200 * x.count) / max} y="18">
                          {x.count}
                        </text>
                      </g>
                    ))}
                  </svg>
                </section>
                <section className="card">
                  <h2>{t('ops.failed')}</h2>
                  {d.failedDeliveries.length === 0 ? (
                    <p>{t('ops.noFailed')}</p>
                  ) : (
                    <ul>
                      {d.failedDeliveries.map((f) => (
                        <li key={f.topic}>
                          {f.topic}: {f.count}
                        </li>
                      ))}
                    </ul>
                  )}
                </section>
                <section className="card">
                  <h2>{t('ops.atRiskList')}</h2>
                  <ul>
                    {d.atRisk.map((i) => (
                      <li key={i.caseId}>
                        <Link to={`/cases/${i.caseId}`}>{i.reference}</Link> —{' '}
                        <Countdown
                          deadline={i.deadline}
                          workingHoursLeft={i.workingHoursLeft}
                          atRisk
                          serverNow={d.now}
                        />
                      </li>
                    ))}
                  </ul>
                </section>
              </div>
            </>
          );
        }}
      </AsyncView>
    </section>
  );
}

function Tile({ label, value, warn }: { label: string; value: number | string; warn?: boolean }) {
  return (
    <div className={`tile${warn ? ' warn' : ''}`}>
      <div className="tile-value">{value}</div>
      <div className="tile-label">{label}</div>
    </div>
  );
}
