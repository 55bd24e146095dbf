// Queue section of the ops page: depth, queue wait and processing p50/p95 per queue over the last hour,
// and failed deliveries (e-letter/SMS and outbox). Strings are local to this section (fr/en).
import { useState } from 'react';
import { fetchQueueSummary, stageOf, type QueuePoint } from '../domains/ops-queues';
import { useQuery } from '../domains/use-async';
import { useI18n } from '../i18n';
import { AsyncView } from '../components/Async';
import { LineChart } from '../components/LineChart';

const TEXT = {
  fr: {
    title: 'Files de traitement (dernière heure)',
    queue: 'File',
    depth: 'Jobs en attente / actifs',
    waiting: 'en attente',
    active: 'actifs',
    wait: 'Attente dans la file (s)',
    processing: 'Durée de traitement (s)',
    failures: 'Échecs de remise (courriers, SMS, webhooks)',
    none: 'Aucun échec de remise.',
    empty: 'Pas encore de mesure : un point toutes les {n} s.',
  },
  en: {
    title: 'Processing queues (last hour)',
    queue: 'Queue',
    depth: 'Jobs waiting / active',
    waiting: 'waiting',
    active: 'active',
    wait: 'Queue wait (s)',
    processing: 'Processing time (s)',
    failures: 'Delivery failures (letters, SMS, webhooks)',
    none: 'No delivery failure.',
    empty: 'No sample yet: one point every {n} s.',
  },
} as const;

export function OpsQueuesSection() {
  const { lang } = useI18n();
  const s = TEXT[lang === 'fr' ? 'fr' : 'en'];
  const hm = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Europe/Paris',
  });
  const q = useQuery('ops-queues', fetchQueueSummary, { refreshMs: 15_000 });
  const [queue, setQueue] = useState('pipeline-ingest');
  return (
    <section className="card" aria-labelledby="ops-queues-title">
      <h2 id="ops-queues-title">{s.title}</h2>
      <AsyncView q={q}>
        {(d) => {
          const names = [...new Set(d.series.flatMap((p) => Object.keys(p.depth)))];
          const labels = d.series.map((p) => hm.format(new Date(p.t)));
          const pick = (f: (p: QueuePoint) => number | undefined) => d.series.map((p) => f(p) ?? null);
          return (
            <>
              {d.series.length === 0 ? (
                <p>{s.empty.replace('{n}', String(d.intervalSec))}</p>
              ) : (
                <>
                  <label>
                    {s.queue}{' '}
                    <select value={queue} onChange={(e) => setQueue(e.target.value)}>
                      {names.map((n) => (
                        <option key={n} value={n}>
                          {n}
                        </option>
                      ))}
                    </select>
                  </label>
                  <div className="charts">
                    <LineChart
                      title={`${s.depth} — ${queue}`}
                      xLabels={labels}
                      series={[
                        { label: s.waiting, values: pick((p) => p.depth[queue]?.waiting), className: 's1' },
                        { label: s.active, values: pick((p) => p.depth[queue]?.active), className: 's2' },
                      ]}
                    />
                    <LineChart
                      title={`${s.wait} — ${queue}`}
                      unit=" s"
                      xLabels={labels}
                      series={[
                        { label: 'p50', values: pick((p) => p.wait[queue]?.p50), className: 's1' },
                        { label: 'p95', values: pick((p) => p.wait[queue]?.p95), className: 's2' },
                      ]}
                    />
                    <LineChart
                      title={`${s.processing} — ${stageOf(queue)}`}
                      unit=" s"
                      xLabels={labels}
                      series={[
                        {
                          label: 'p50',
                          values: pick((p) => p.processing[stageOf(queue)]?.p50),
                          className: 's1',
                        },
                        {
                          label: 'p95',
                          values: pick((p) => p.processing[stageOf(queue)]?.p95),
                          className: 's2',
                        },
                      ]}
                    />
                  </div>
                </>
              )}
              <h3>{s.failures}</h3>
              {d.deliveryFailures.length === 0 ? (
                <p>{s.none}</p>
              ) : (
                <table>
                  <tbody>
                    {d.deliveryFailures.map((f) => (
                      <tr key={`${f.source}-${f.id}`}>
                        <td>{f.channel}</td>
                        <td>{f.caseId ?? '–'}</td>
                        <td>{f.attempts}</td>
                        <td>{f.lastError ?? ''}</td>
                        <td>{hm.format(new Date(f.updatedAt))}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          );
        }}
      </AsyncView>
    </section>
  );
}
