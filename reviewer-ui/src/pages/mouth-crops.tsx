// Page-local part of the case page: for each spoken digit, the digit and its confidence beside 2–3 crops of the
// mouth taken inside that digit's time (one JPEG sheet from the lip-sync step, media `mouth_crops`; one
// audited fetch). Does the mouth on screen say the digit the voice says? Selecting a crop plays the video there.
import { caseMediaUrl, type CaseDetail } from '../domains/cases';
import { useI18n } from '../i18n';
import type { SpeechStageResult } from '../../../service/contracts/stage-results';

export function MouthCropsPanel({
  c,
  speech,
  onSeek,
}: {
  c: CaseDetail;
  speech: SpeechStageResult;
  onSeek(timeSec: number): void;
}) {
  const { t, num } = useI18n();
  const sheet = speech.mouthCrops;
  if (!sheet || !c.media.some((m) => m.kind === 'mouth_crops')) return null;
  const src = caseMediaUrl(c.caseId, 'mouth_crops');
  const pc = (x: number) => `${100 * x}%`;
  return (
    <section aria-labelledby="sec-mouth" className="mouth-crops" data-testid="mouth-crops">
      <h3 id="sec-mouth">{t('case.mouthCrops.title')}</h3>
      <p className="hint">{t('case.mouthCrops.hint')}</p>
      <ol>
        {speech.segments.map((s, i) => {
          const tiles = sheet.tiles.filter((x) => x.segment === i);
          return (
            <li
              key={i}
              className="mouth-digit"
              data-testid="mouth-digit"
              data-segment={i}
              style={{ gridTemplateColumns: `6rem repeat(${sheet.columns}, minmax(0, 9rem))` }}
            >
              <div className="mouth-digit-label">
                <span className="mono mouth-digit-value">{s.digit}</span>
                <span className="hint">
                  {s.score != null
                    ? t('case.speechConfidence', { value: num(s.score, 2) })
                    : `${num(s.startSec, 2)}–${num(s.endSec, 2)} s`}
                </span>
              </div>
              {tiles.length === 0 ? (
                <span className="hint" style={{ gridColumn: '2 / -1' }}>
                  {t('case.mouthCrops.none')}
                </span>
              ) : (
                tiles.map((x) => (
                  <button
                    key={x.column}
                    type="button"
                    className="mouth-tile"
                    style={{ aspectRatio: `${sheet.tileWidth} / ${sheet.tileHeight}` }}
                    onClick={() => onSeek(x.timeSec)}
                    title={t('case.seekTo', { t: num(x.timeSec, 1) })}
                  >
                    <img
                      src={src}
                      alt={t('case.mouthCrops.alt', { digit: s.digit, t: num(x.timeSec, 2) })}
                      // The whole sheet, scaled with the tile and moved so that only this crop shows through.
                      style={{
                        width: pc(sheet.columns),
                        height: pc(sheet.rows),
                        left: pc(-x.column),
                        top: pc(-x.row),
                      }}
                    />
                  </button>
                ))
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
