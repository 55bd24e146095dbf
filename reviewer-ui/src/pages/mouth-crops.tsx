// Page-local part of the case page: for each spoken digit, the digit and its confidence beside 2–3 crops of the
// mouth taken inside that digit's time (one JPEG sheet from the lip-sync step, media `mouth_crops`; one
// audited fetch). Does the mouth on screen say the digit the voice says? Selecting a crop plays the video there.
import { caseMediaUrl, type CaseDetail } from '../domains/cases';
import { useI18n } from '../i18n';
import type { SpeechStageResult } from '../../../service/contracts/stage-results';

/** Crops are shown at 1.5× their stored size (96×72 → 144×108): big enough to see the lips, a row per digit. */
const SCALE = 1.5;

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
  const w = sheet.tileWidth * SCALE;
  const h = sheet.tileHeight * SCALE;
  return (
    <section aria-labelledby="sec-mouth" className="mouth-crops" data-testid="mouth-crops">
      <h3 id="sec-mouth">{t('case.mouthCrops.title')}</h3>
      <p className="hint">{t('case.mouthCrops.hint')}</p>
      <ol>
        {speech.segments.map((s, i) => {
          const tiles = sheet.tiles.filter((x) => x.segment === i);
          return (
            <li key={i} className="mouth-digit" data-testid="mouth-digit" data-segment={i}>
              <div className="mouth-digit-label">
                <span className="mono mouth-digit-value">{s.digit}</span>
                <span className="hint">
                  {s.score != null
                    ? t('case.speechConfidence', { value: num(s.score, 2) })
                    : `${num(s.startSec, 2)}–${num(s.endSec, 2)} s`}
                </span>
              </div>
              {tiles.length === 0 ? (
                <span className="hint">{t('case.mouthCrops.none')}</span>
              ) : (
                tiles.map((x) => (
                  <button
                    key={x.column}
                    type="button"
                    className="mouth-tile"
                    style={{ width: w, height: h }}
                    onClick={() => onSeek(x.timeSec)}
                    title={t('case.seekTo', { t: num(x.timeSec, 1) })}
                  >
                    <img
                      src={src}
                      alt={t('case.mouthCrops.alt', { digit: s.digit, t: num(x.timeSec, 2) })}
                      style={{
                        width: sheet.columns * w,
                        height: sheet.rows * h,
                        left: -x.column * w,
                        top: -x.row * h,
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
