// Side-by-side comparator: the ID portrait, the card seen in the video and the best live frame at the same scale
// (the same distance between the eyes, from each crop's landmarks), a shared zoom, a wipe and an overlay view of
// any two of them, and the landmarks drawn on top. Keys (outside text fields): l landmarks, w wipe, o overlay,
// v side by side, + and - zoom.
import { useEffect, useState, type CSSProperties } from 'react';
import { useI18n } from '../i18n';

export interface FaceImage {
  key: string;
  label: string;
  src: string;
  /** 68 landmarks as fractions of the image ([x0, y0, ...]), when known. */
  landmarks: number[] | null;
}

const BOX = 240;
/** Eye distance in the box at zoom 1, and where the middle of the eyes sits. */
const EYES = 64;
const EYE_Y = 0.42;

type Size = { w: number; h: number };

function eyes(l: number[]): { x: number; y: number; dist: number } | null {
  if (l.length !== 136) return null;
  const mean = (from: number, to: number) => {
    let x = 0;
    let y = 0;
    for (let i = from; i <= to; i++) {
      x += l[2 * i]!;
      y += l[2 * i + 1]!;
    }
    const n = to - from + 1;
    return { x: x / n, y: y / n };
  };
  const a = mean(36, 41);
  const b = mean(42, 47);
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, dist: Math.hypot(b.x - a.x, b.y - a.y) };
}

/** Where the image goes in the box: same eye distance and eye position for every face (contain without landmarks). */
export function layout(size: Size, landmarks: number[] | null, zoom: number): CSSProperties {
  const e = landmarks ? eyes(landmarks) : null;
  if (!e || e.dist <= 0) {
    const s = Math.min(BOX / size.w, BOX / size.h) * zoom;
    return {
      left: (BOX - size.w * s) / 2,
      top: (BOX - size.h * s) / 2,
      width: size.w * s,
      height: size.h * s,
    };
  }
  const s = (EYES * zoom) / (e.dist * size.w);
  return {
    left: BOX / 2 - e.x * size.w * s,
    top: BOX * EYE_Y - e.y * size.h * s,
    width: size.w * s,
    height: size.h * s,
  };
}

const CONTOURS: Array<[number, number, boolean]> = [
  [0, 16, false],
  [17, 21, false],
  [22, 26, false],
  [27, 30, false],
  [31, 35, false],
  [36, 41, true],
  [42, 47, true],
  [48, 59, true],
  [60, 67, true],
];

function Landmarks({ l }: { l: number[] }) {
  return (
    <svg className="cmp-landmarks" viewBox="0 0 1 1" preserveAspectRatio="none" aria-hidden="true">
      {CONTOURS.map(([a, b, closed]) => {
        const pts: string[] = [];
        for (let i = a; i <= b; i++) pts.push(`${l[2 * i]},${l[2 * i + 1]}`);
        if (closed) pts.push(`${l[2 * a]},${l[2 * a + 1]}`);
        return <polyline key={a} points={pts.join(' ')} vectorEffect="non-scaling-stroke" />;
      })}
    </svg>
  );
}

function Layer({
  img,
  size,
  zoom,
  showLandmarks,
  onSize,
}: {
  img: FaceImage;
  size: Size | undefined;
  zoom: number;
  showLandmarks: boolean;
  onSize(s: Size): void;
}) {
  const pos = size ? layout(size, img.landmarks, zoom) : { left: 0, top: 0, width: BOX };
  return (
    <div className="cmp-layer" style={pos}>
      <img
        src={img.src}
        alt={img.label}
        draggable={false}
        onLoad={(e) => onSize({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight })}
      />
      {showLandmarks && img.landmarks && <Landmarks l={img.landmarks} />}
    </div>
  );
}

type Mode = 'side' | 'wipe' | 'overlay';

const typing = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));

export function Comparator({ images }: { images: FaceImage[] }) {
  const { t } = useI18n();
  const [sizes, setSizes] = useState<Record<string, Size>>({});
  const [zoom, setZoom] = useState(1);
  const [mode, setMode] = useState<Mode>('side');
  const [showLandmarks, setShowLandmarks] = useState(true);
  const [a, setA] = useState(images[0]?.key ?? '');
  const [b, setB] = useState(images[images.length - 1]?.key ?? '');
  const [mix, setMix] = useState(50);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey || document.querySelector('[role=dialog]'))
        return;
      if (e.key === 'l') setShowLandmarks((v) => !v);
      else if (e.key === 'w') setMode('wipe');
      else if (e.key === 'o') setMode('overlay');
      else if (e.key === 'v') setMode('side');
      else if (e.key === '+' || e.key === '=') setZoom((z) => Math.min(4, +(z * 1.25).toFixed(2)));
      else if (e.key === '-') setZoom((z) => Math.max(0.5, +(z / 1.25).toFixed(2)));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  if (images.length === 0) return null;
  const size = (k: string) => sizes[k];
  const setSize = (k: string) => (s: Size) =>
    setSizes((m) => (m[k]?.w === s.w && m[k]?.h === s.h ? m : { ...m, [k]: s }));
  const byKey = (k: string) => images.find((i) => i.key === k) ?? images[0]!;
  const pick = (value: string, set: (v: string) => void, label: string) => (
    <label>
      {label}{' '}
      <select value={value} onChange={(e) => set(e.target.value)}>
        {images.map((i) => (
          <option key={i.key} value={i.key}>
            {i.label}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <section aria-labelledby="sec-cmp" className="card wide comparator" data-testid="comparator">
      <h2 id="sec-cmp">{t('cmp.title')}</h2>
      <div className="cmp-tools">
        <fieldset>
          <legend className="sr-only">{t('cmp.view')}</legend>
          {(['side', 'wipe', 'overlay'] as const).map((m) => (
            <label key={m}>
              <input type="radio" name="cmp-mode" checked={mode === m} onChange={() => setMode(m)} />{' '}
              {t(`cmp.mode.${m}`)}
            </label>
          ))}
        </fieldset>
        <label>
          {t('cmp.zoom')}{' '}
          <input
            type="range"
            min={0.5}
            max={4}
            step={0.05}
            value={zoom}
            onChange={(e) => setZoom(Number(e.target.value))}
            aria-valuetext={`${Math.round(zoom * 100)} %`}
          />{' '}
          <output>{Math.round(zoom * 100)} %</output>
        </label>
        <label>
          <input
            type="checkbox"
            checked={showLandmarks}
            onChange={(e) => setShowLandmarks(e.target.checked)}
          />{' '}
          {t('cmp.landmarks')}
        </label>
      </div>
      {mode === 'side' ? (
        <div className="cmp-row">
          {images.map((img) => (
            <figure key={img.key}>
              <div className="cmp-box" data-testid={`cmp-${img.key}`}>
                <Layer
                  img={img}
                  size={size(img.key)}
                  zoom={zoom}
                  showLandmarks={showLandmarks}
                  onSize={setSize(img.key)}
                />
              </div>
              <figcaption>{img.label}</figcaption>
            </figure>
          ))}
        </div>
      ) : (
        <div className="cmp-row">
          <figure>
            <div className="cmp-box" data-testid={`cmp-${mode}`}>
              <Layer
                img={byKey(a)}
                size={size(a)}
                zoom={zoom}
                showLandmarks={showLandmarks}
                onSize={setSize(a)}
              />
              <div
                className="cmp-clip"
                style={mode === 'wipe' ? { clipPath: `inset(0 0 0 ${mix}%)` } : { opacity: mix / 100 }}
              >
                <Layer
                  img={byKey(b)}
                  size={size(b)}
                  zoom={zoom}
                  showLandmarks={showLandmarks}
                  onSize={setSize(b)}
                />
              </div>
              {mode === 'wipe' && (
                <div className="cmp-wipe-line" style={{ left: `${(mix / 100) * BOX}px` }} />
              )}
            </div>
            <figcaption>
              {byKey(a).label} / {byKey(b).label}
            </figcaption>
          </figure>
          <div className="cmp-pair">
            {pick(a, setA, t('cmp.first'))}
            {pick(b, setB, t('cmp.second'))}
            <label>
              {t(mode === 'wipe' ? 'cmp.wipe' : 'cmp.opacity')}{' '}
              <input
                type="range"
                min={0}
                max={100}
                value={mix}
                onChange={(e) => setMix(Number(e.target.value))}
              />
            </label>
          </div>
        </div>
      )}
      <p className="hint">{t('cmp.hint')}</p>
    </section>
  );
}
