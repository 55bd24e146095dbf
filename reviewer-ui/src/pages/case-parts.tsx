// Page-local parts of the case page: documents, identity comparison, faces, video, signals, history.
import { useRef } from 'react';
import {
  caseFrameUrl,
  caseMediaUrl,
  cardTimeSec,
  floorTo,
  scoreDigits,
  stageResult,
  type CaseDetail,
  type ViewEvent,
} from '../domains/cases';
import { firstNamesMatch, lastNameMatches } from '../../../service/decision/names';
import { useI18n } from '../i18n';
import { ZoomImage } from '../components/ZoomImage';
import type { DocumentMrz } from '../../../service/contracts/stage-results';
import { MouthCropsPanel } from './mouth-crops';

const pct = (x: number) => `${(100 * x).toFixed(3)}%`;

/**
 * The MRZ band cropped from the photo it was read on, with a box on every character the check digits
 * changed (printed → chosen, with the classifier's probabilities): a repair is evidence for the reviewer,
 * not a silent correction. Coordinates are the analysed photo's upright frame, scaled to the image shown
 * (the browser applies the photo's EXIF orientation as the engine did).
 */
export function MrzCrop({ src, mrz }: { src: string; mrz: DocumentMrz }) {
  const { t } = useI18n();
  const { width: W, height: H, lines } = mrz;
  if (!W || !H || !lines.length) return null;
  const xs = lines.flatMap((l) => [l.x0, l.x1]);
  const ys = lines.flatMap((l) => [l.y0, l.y1]);
  const pad = Math.max(...lines.map((l) => l.height));
  const x0 = Math.max(0, Math.min(...xs) - pad);
  const y0 = Math.max(0, Math.min(...ys) - pad);
  const x1 = Math.min(W, Math.max(...xs) + pad);
  const y1 = Math.min(H, Math.max(...ys) + pad);
  const cw = x1 - x0;
  const ch = y1 - y0;
  const label = (r: DocumentMrz['repairs'][number]) =>
    t('case.repair', {
      line: r.line + 1,
      col: r.col + 1,
      printed: r.printed,
      chosen: r.chosen,
      pPrinted: r.pPrinted.toFixed(2),
      pChosen: r.pChosen.toFixed(2),
    });
  return (
    <figure className="mrz-crop" data-testid="mrz-crop">
      <div className="mrz-crop-view" style={{ aspectRatio: `${cw} / ${ch}` }}>
        <img
          src={src}
          alt={t('case.mrzCrop')}
          style={{ left: pct(-x0 / cw), top: pct(-y0 / ch), width: pct(W / cw), height: pct(H / ch) }}
        />
        {mrz.repairs.map((r, i) =>
          r.at ? (
            <span
              key={i}
              className="mrz-repair-box"
              data-testid="mrz-repair-box"
              title={label(r)}
              style={{
                left: pct((r.at.cx - r.at.w / 2 - x0) / cw),
                top: pct((r.at.cy - r.at.h / 2 - y0) / ch),
                width: pct(r.at.w / cw),
                height: pct(r.at.h / ch),
                transform: `rotate(${r.at.angle}deg)`,
              }}
            >
              <span className="mrz-repair-tag">
                {r.printed}→{r.chosen}
              </span>
            </span>
          ) : null,
        )}
      </div>
      <figcaption>{t('case.mrzCrop')}</figcaption>
      {mrz.repairs.length ? (
        <>
          <p className="mrz-help">{t('case.mrzCropHelp')}</p>
          <ul className="mrz-repairs">
            {mrz.repairs.map((r, i) => (
              <li key={i} data-testid="mrz-repair">
                {label(r)}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="mrz-help">{t('case.noRepairs')}</p>
      )}
    </figure>
  );
}

/** An MRZ field value in words: document type, sex and dates localised; other values as read. */
function useFieldValue() {
  const { tOr, lang } = useI18n();
  const date = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'long',
    timeZone: 'UTC',
  });
  return (key: string, v: unknown): string => {
    if (v === null || v === undefined || v === '') return '—';
    if (typeof v !== 'string') return typeof v === 'object' ? JSON.stringify(v) : String(v);
    if (key === 'documentType') return tOr(`doctype.${v}`, v);
    if (key === 'sex') return tOr(`sex.${v}`, v);
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return date.format(new Date(`${v}T00:00:00Z`));
    return v;
  };
}

export function DocumentSection({ c, onViewed }: { c: CaseDetail; onViewed(e: ViewEvent): void }) {
  const { t, tOr } = useI18n();
  const value = useFieldValue();
  const doc = stageResult(c, 'document');
  const mrz = doc?.fields ?? {};
  const kinds = c.media.map((m) => m.kind);
  return (
    <section aria-labelledby="sec-doc" className="card wide">
      <h2 id="sec-doc">{t('case.section.documents')}</h2>
      <div className="doc-grid">
        <div className="photos">
          {(['front', 'back'] as const)
            .filter((k) => kinds.includes(k))
            .map((k) => (
              <figure key={k}>
                <ZoomImage
                  src={caseMediaUrl(c.caseId, k)}
                  alt={t(k === 'front' ? 'case.front' : 'case.back')}
                  onOpen={() => onViewed({ kind: k })}
                />
                <figcaption>{t(k === 'front' ? 'case.front' : 'case.back')}</figcaption>
              </figure>
            ))}
          {doc?.mrz?.photo && kinds.includes(doc.mrz.photo) && (
            <MrzCrop src={caseMediaUrl(c.caseId, doc.mrz.photo)} mrz={doc.mrz} />
          )}
        </div>
        <div>
          <h3>{t('case.mrzFields')}</h3>
          <table className="kv">
            <tbody>
              {Object.entries(mrz).map(([k, v]) => (
                <tr key={k}>
                  <th scope="row">{tOr(`mrz.${k}`, k)}</th>
                  <td>{value(k, v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div>
          <h3>{t('case.checks')}</h3>
          <ul className="checks">
            {doc && (
              <li className={doc.status === 'read' ? 'ok' : 'fail'} data-testid="doc-status">
                <span aria-hidden="true">{doc.status === 'read' ? '✔' : '✘'}</span>{' '}
                {t('case.docStatus', { status: t(`docStatus.${doc.status}`) })}
              </li>
            )}
            {(doc?.findings ?? []).map((f, i) => (
              <li key={i} className="fail">
                <span aria-hidden="true">✘</span> <code>{f.code}</code> {t(`reason.${f.code}`)}
                {f.detail ? ` — ${f.detail}` : ''}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </section>
  );
}

export function IdentitySection({ c }: { c: CaseDetail }) {
  const { t } = useI18n();
  const value = useFieldValue();
  const mrz = stageResult(c, 'document')?.fields ?? {};
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  // The same comparison as the decision policy's (service/decision/names.ts): accents, hyphens, truncation.
  const rows: Array<[string, string | null, unknown, (declared: string, read: string) => boolean]> = [
    ['case.identity.lastName', c.declared.lastName, mrz.lastName, lastNameMatches],
    ['case.identity.firstNames', c.declared.firstNames, mrz.firstNames, firstNamesMatch],
    ['case.identity.birthDate', c.declared.birthDate, mrz.birthDate, (a, b) => a !== '' && a === b],
  ];
  return (
    <section aria-labelledby="sec-id" className="card">
      <h2 id="sec-id">{t('case.section.identity')}</h2>
      <table className="compare">
        <thead>
          <tr>
            <th scope="col">{t('case.field')}</th>
            <th scope="col">{t('case.declared')}</th>
            <th scope="col">{t('case.mrz')}</th>
            <th scope="col">{t('case.match')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, declared, read, matches]) => {
            const same = matches(declared ?? '', str(read));
            return (
              <tr key={label} className={same ? 'ok' : 'fail'}>
                <th scope="row">{t(label)}</th>
                <td>{value('declared', declared)}</td>
                <td>{value('read', read)}</td>
                <td>{same ? `✔ ${t('common.yes')}` : `✘ ${t('common.no')}`}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

export function FacesSection({ c }: { c: CaseDetail }) {
  const { t, num } = useI18n();
  const face = stageResult(c, 'face');
  const sim = face?.signals.similarity ?? null;
  const th = c.faceThresholds;
  // The decision policy's comparison (service/decision/policy.ts), on the very number shown: truncated to as
  // many digits as the thresholds need, so that display and meaning never disagree.
  const digits = scoreDigits([th.accept, th.reject]);
  const shown = sim === null ? null : floorTo(sim, digits);
  const meaning = sim === null ? null : sim >= th.accept ? 'match' : sim < th.reject ? 'mismatch' : 'review';
  const has = (k: string) => c.media.some((m) => m.kind === k);
  const best = (face?.bestFrames ?? []).slice(0, 3);
  const cardT = face ? cardTimeSec(face) : null;
  return (
    <section aria-labelledby="sec-face" className="card">
      <h2 id="sec-face">{t('case.section.faces')}</h2>
      <div className="faces">
        {has('portrait') && (
          <figure>
            <ZoomImage src={caseMediaUrl(c.caseId, 'portrait')} alt={t('case.portrait')} />
            <figcaption>{t('case.portrait')}</figcaption>
          </figure>
        )}
        {has('live_frame') && (
          <figure>
            <ZoomImage src={caseMediaUrl(c.caseId, 'live_frame')} alt={t('case.bestLive')} />
            <figcaption>{t('case.bestLive')}</figcaption>
          </figure>
        )}
        {has('video') &&
          best.map((f) => (
            <figure key={f.timeSec}>
              <ZoomImage
                src={caseFrameUrl(c.caseId, f.timeSec)}
                alt={t('case.liveFrame', { t: num(f.timeSec, 1) })}
              />
              <figcaption>{t('case.liveFrame', { t: num(f.timeSec, 1) })}</figcaption>
            </figure>
          ))}
        {has('card_frame') ? (
          <figure>
            <ZoomImage src={caseMediaUrl(c.caseId, 'card_frame')} alt={t('case.cardCrop')} />
            <figcaption>{t('case.cardCrop')}</figcaption>
          </figure>
        ) : (
          has('video') &&
          cardT !== null && (
            <figure>
              <ZoomImage
                src={caseFrameUrl(c.caseId, cardT)}
                alt={t('case.cardFrame', { t: num(cardT, 1) })}
              />
              <figcaption>{t('case.cardFrame', { t: num(cardT, 1) })}</figcaption>
            </figure>
          )
        )}
      </div>
      <p className={`similarity ${meaning ?? ''}`} data-testid="similarity">
        <strong>
          {t('case.similarity', { value: shown === null ? t('common.unknown') : num(shown, digits) })}
        </strong>
        {meaning && (
          <>
            {' '}
            —{' '}
            {t(`case.similarity.meaning.${meaning}`, {
              accept: num(th.accept, digits),
              reject: num(th.reject, digits),
            })}
          </>
        )}
      </p>
      {face?.cardInVideo.similarity != null && (
        <p>
          {t('case.cardSimilarity', { value: num(floorTo(face.cardInVideo.similarity, digits), digits) })}
        </p>
      )}
      {face && !face.cardInVideo.found && <p className="fail">{t('reason.CARD_NOT_IN_VIDEO')}</p>}
      <p className="hint">{t('case.similarity.note')}</p>
    </section>
  );
}

/** How the applicant app recorded the video: context for a doubtful recording, never a reason on its own. */
function CaptureFacts({ facts }: { facts: Record<string, unknown> | null | undefined }) {
  const { t, num } = useI18n();
  if (!facts) return null;
  const n = (k: string) => (typeof facts[k] === 'number' ? (facts[k] as number) : undefined);
  const rows: Array<[string, string]> = [];
  if (typeof facts.cameraLabel === 'string' && facts.cameraLabel)
    rows.push([t('case.capture.camera'), facts.cameraLabel]);
  if (n('width') && n('height'))
    rows.push([
      t('case.capture.track'),
      `${n('width')}×${n('height')}${n('frameRate') ? ` @ ${Math.round(n('frameRate')!)} fps` : ''}`,
    ]);
  if (typeof facts.recorderMime === 'string') rows.push([t('case.capture.mime'), facts.recorderMime]);
  if (n('durationMs') !== undefined)
    rows.push([t('case.capture.duration'), `${num(n('durationMs')! / 1000, 1)} s`]);
  if (n('retakes') !== undefined) rows.push([t('case.capture.retakes'), String(n('retakes'))]);
  if (n('challengeToUploadMs') !== undefined)
    rows.push([t('case.capture.challengeToUpload'), `${Math.round(n('challengeToUploadMs')! / 1000)} s`]);
  return (
    <dl className="capture" data-testid="capture-facts">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Seconds of the video actually played (the union of the played ranges: replays count once). */
function playedSeconds(v: HTMLVideoElement): number {
  let s = 0;
  for (let i = 0; i < v.played.length; i++) s += v.played.end(i) - v.played.start(i);
  return s;
}

export function VideoSection({ c, onViewed }: { c: CaseDetail; onViewed(e: ViewEvent): void }) {
  const { t, num } = useI18n();
  const ref = useRef<HTMLVideoElement>(null);
  const reported = useRef(0);
  const speech = stageResult(c, 'speech');
  const decision = speech?.signals.decision;
  const hasVideo = c.media.some((m) => m.kind === 'video');
  const rendition = c.media.some((m) => m.kind === 'video_review');
  // Playback is reported once a second has been watched, then at each pause or end (seconds watched so far).
  const report = (force: boolean) => {
    const v = ref.current;
    if (!v) return;
    const s = playedSeconds(v);
    if (s <= reported.current + 0.05 || (!force && (reported.current > 0 || s < 1))) return;
    reported.current = s;
    onViewed({ kind: 'video', secondsWatched: Math.round(s * 10) / 10 });
  };
  const seek = (s: number) => {
    const v = ref.current;
    if (!v) return;
    v.currentTime = s;
    void v.play().catch(() => undefined);
  };
  return (
    <section aria-labelledby="sec-video" className="card">
      <h2 id="sec-video">{t('case.section.video')}</h2>
      {hasVideo ? (
        <video
          ref={ref}
          controls
          preload="metadata"
          src={caseMediaUrl(c.caseId, 'video')}
          className="selfie"
          data-testid="selfie-video"
          onTimeUpdate={() => report(false)}
          onPause={() => report(true)}
          onEnded={() => report(true)}
        />
      ) : (
        <p>{t('case.noVideo')}</p>
      )}
      {rendition && <p className="hint">{t('case.rendition')}</p>}
      <CaptureFacts facts={c.media.find((m) => m.kind === 'video')?.capture} />
      <dl className="digits">
        <dt>{t('case.challenge')}</dt>
        <dd className="mono">{c.challengeDigits ?? '—'}</dd>
        <dt>{t('case.recognised')}</dt>
        {/* The string the verdict rests on, each digit with its confidence: green only when the verdict is a match. */}
        <dd className={`mono ${decision === 'match' ? 'ok' : 'fail'}`} data-testid="recognised-digits">
          {speech?.recognised
            ? speech.segments.length === speech.recognised.length
              ? speech.segments.map((s, i) => (
                  <span key={i} className="digit">
                    {s.digit}
                    {s.score != null && <sub>{num(s.score, 2)}</sub>}{' '}
                  </span>
                ))
              : speech.recognised
            : '—'}
        </dd>
        <dt data-testid="speech-decision">
          {t('case.speechDecision', {
            decision: decision ? t(`speech.decision.${decision}`) : t('common.unknown'),
          })}
        </dt>
        <dd>{speech ? t('case.speechConfidence', { value: num(speech.confidence, 2) }) : ''}</dd>
      </dl>
      {speech && speech.segments.length > 0 && (
        <>
          <p>{t('case.timings')}</p>
          <ol className="segments">
            {speech.segments.map((s, i) => (
              <li key={i}>
                <button
                  type="button"
                  onClick={() => seek(s.startSec)}
                  aria-label={t('case.seekTo', { t: num(s.startSec, 1) })}
                >
                  <span className="mono">{s.digit}</span> {num(s.startSec, 2)}–{num(s.endSec, 2)} s
                </button>
              </li>
            ))}
          </ol>
          <MouthCropsPanel c={c} speech={speech} onSeek={seek} />
        </>
      )}
    </section>
  );
}

// Which reason code each engine signal leads to (mirrors the decision policy's vocabulary).
const SIGNAL_REASON: Record<string, string> = {
  noFace: 'FACE_NOT_FOUND',
  faceTooSmall: 'FACE_TOO_SMALL',
  multiplePeople: 'MULTIPLE_PEOPLE',
  staticVideo: 'STATIC_VIDEO',
  cardNotSeen: 'CARD_NOT_IN_VIDEO',
};
const SPEECH_REASON: Record<string, string> = {
  mismatch: 'DIGITS_MISMATCH',
  uncertain: 'DIGITS_UNCERTAIN',
  no_speech: 'NO_SPEECH',
};

export function SignalsSection({ c }: { c: CaseDetail }) {
  const { t, tOr } = useI18n();
  const face = stageResult(c, 'face');
  const signals = Object.entries(face?.signals ?? {}).filter(([, v]) => typeof v === 'boolean');
  const speechDecision = stageResult(c, 'speech')?.signals.decision;
  const doc = stageResult(c, 'document');
  return (
    <section aria-labelledby="sec-signals" className="card">
      <h2 id="sec-signals">{t('case.section.signals')}</h2>
      {c.reasons.length === 0 ? (
        <p>{t('case.noSignals')}</p>
      ) : (
        <table className="kv">
          <thead>
            <tr>
              <th scope="col">{t('case.reasonCode')}</th>
              <th scope="col">{t('case.signal')}</th>
            </tr>
          </thead>
          <tbody>
            {c.reasons.map((r) => (
              <tr key={r}>
                <th scope="row">
                  <code>{r}</code>
                </th>
                <td>{t(`reason.${r}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ul className="checks">
        {signals.map(([k, v]) => (
          <li key={k} className={v ? 'fail' : 'ok'}>
            <span aria-hidden="true">{v ? '✘' : '✔'}</span>{' '}
            {t('common.pair', {
              name: tOr(`signal.face.${k}`, k),
              value: v ? t('common.yes') : t('common.no'),
            })}
            {v && SIGNAL_REASON[k] ? (
              <>
                {' '}
                → <code>{SIGNAL_REASON[k]}</code>
              </>
            ) : null}
          </li>
        ))}
        {speechDecision && (
          <li className={speechDecision === 'match' ? 'ok' : 'fail'}>
            {t('case.speechDecision', { decision: t(`speech.decision.${speechDecision}`) })}
            {SPEECH_REASON[speechDecision] ? (
              <>
                {' '}
                → <code>{SPEECH_REASON[speechDecision]}</code>
              </>
            ) : null}
          </li>
        )}
        {(doc?.findings ?? []).map((f, i) => (
          <li key={i} className="fail">
            {t('common.pair', { name: t('signal.document'), value: tOr(`reason.${f.code}`, f.code) })}{' '}
            <code>{f.code}</code>
          </li>
        ))}
      </ul>
      <details>
        <summary>JSON</summary>
        <pre className="raw">
          {JSON.stringify(
            Object.fromEntries(
              Object.entries(c.stages).map(([k, v]) => [k, { status: v?.status, durationMs: v?.durationMs }]),
            ),
            null,
            2,
          )}
        </pre>
      </details>
    </section>
  );
}

export function HistorySection({ c }: { c: CaseDetail }) {
  const { t, tOr, dt, num } = useI18n();
  const who = (id: string | null) => (id ? (c.reviewers[id] ?? id) : t('case.history.system'));
  const detail = (d: Record<string, unknown>) =>
    [
      typeof d.kind === 'string' ? tOr(`media.${d.kind}`, d.kind) : null,
      typeof d.secondsWatched === 'number'
        ? t('case.history.watched', { s: num(d.secondsWatched, 1) })
        : null,
      typeof d.fromReviewerId === 'string' ? t('case.history.from', { who: who(d.fromReviewerId) }) : null,
    ]
      .filter(Boolean)
      .join(', ');
  const items = [
    ...c.decisions.map((d) => ({
      at: d.at,
      text: `${t('common.pair', {
        name: tOr(`source.${d.source}`, d.source),
        value: tOr(`outcome.${d.outcome}`, d.outcome),
      })}${d.reasons.length ? ` (${d.reasons.map((r) => tOr(`reason.${r}`, r)).join(', ')})` : ''}`,
      by: d.reviewerId,
      note: d.note,
    })),
    ...c.audit.map((a) => {
      const more = detail(a.details);
      return {
        at: a.createdAt,
        text: `${tOr(`audit.${a.action}`, a.action)}${more ? ` [${more}]` : ''}`,
        by: a.actorType === 'reviewer' ? a.actorId : null,
        note: null,
      };
    }),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <section aria-labelledby="sec-history" className="card">
      <h2 id="sec-history">{t('case.section.history')}</h2>
      {items.length === 0 ? (
        <p>{t('case.history.empty')}</p>
      ) : (
        <ol className="history">
          {items.map((i, n) => (
            <li key={n}>
              <time dateTime={i.at}>{dt(i.at)}</time> — {i.text}{' '}
              {i.by && <em>{t('case.history.by', { who: who(i.by) })}</em>}
              {i.note && <blockquote>{i.note}</blockquote>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
