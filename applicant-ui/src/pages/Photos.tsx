// Photos of each needed side: the live rear camera with a guide frame in the document's proportions, or the
// phone's camera app / a file (input capture=environment). Checked in the browser (size, blur, glare) with
// advice, then uploaded with a progress bar.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { Layout, Progress } from '../components/Layout';
import { CameraProblem } from '../components/PermissionHelp';
import { CameraError, openDocumentCamera, stopStream, type CameraFailure } from '../domains/camera';
import { assessPhoto, type PhotoQuality } from '../domains/photo-quality';
import { sendCaptureFacts, uploadMedia } from '../domains/upload';
import { ApiError } from '../domains/http';
import { precheckPhoto, type DocId, type Side } from '../domains/session';

/** Width / height of the guide frame: ID-1 cards 85.6 × 54 mm, passport pages (ID-3) 125 × 88 mm. */
const ASPECT: Record<DocId, number> = { cni2021: 1.586, cni1988: 1.4, passport: 1.42, permit: 1.586 };

interface Shot {
  source: 'camera' | 'file';
  blob: Blob;
  url: string;
  quality: PhotoQuality;
}

async function analyse(blob: Blob, source: Shot['source']): Promise<Shot> {
  const bmp = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  const scale = Math.min(1, 640 / bmp.width);
  const w = Math.max(1, Math.round(bmp.width * scale));
  const h = Math.max(1, Math.round(bmp.height * scale));
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  const ctx = c.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bmp, 0, 0, w, h);
  const quality = assessPhoto({ width: bmp.width, height: bmp.height }, ctx.getImageData(0, 0, w, h));
  bmp.close();
  return { source, blob, url: URL.createObjectURL(blob), quality };
}

export function Photos(props: { doc: DocId; sides: Side[]; onDone(retakes: number): void; onBack(): void }) {
  const { t } = useI18n();
  const [index, setIndex] = useState(0);
  const side = props.sides[index]!;
  const [stream, setStream] = useState<MediaStream>();
  const [cameraFailure, setCameraFailure] = useState<CameraFailure>();
  const [shot, setShot] = useState<Shot>();
  const [progress, setProgress] = useState<number>();
  const [error, setError] = useState<string>();
  /** The server's advice on the uploaded photo, when it found a problem. */
  const [advice, setAdvice] = useState<string>();
  const [checking, setChecking] = useState(false);
  const retakes = useRef(0);
  const video = useRef<HTMLVideoElement>(null);

  useEffect(() => () => stopStream(stream), [stream]);
  useEffect(() => {
    if (video.current && stream) video.current.srcObject = stream;
  }, [stream]);

  const startCamera = useCallback(async () => {
    setCameraFailure(undefined);
    try {
      setStream(await openDocumentCamera());
    } catch (e) {
      setCameraFailure(e instanceof CameraError ? e.kind : 'unsupported');
    }
  }, []);

  const take = async () => {
    const v = video.current;
    if (!v || !v.videoWidth) return;
    const c = document.createElement('canvas');
    c.width = v.videoWidth;
    c.height = v.videoHeight;
    c.getContext('2d')!.drawImage(v, 0, 0);
    const blob = await new Promise<Blob | null>((r) => c.toBlob(r, 'image/jpeg', 0.92));
    if (!blob) return;
    stopStream(stream);
    setStream(undefined);
    setShot(await analyse(blob, 'camera'));
  };

  const fromFile = async (file: File | undefined) => {
    if (!file) return;
    setError(undefined);
    try {
      setShot(await analyse(file, 'file'));
    } catch {
      setError(t('photo.unreadable'));
    }
  };

  const next = () => {
    setAdvice(undefined);
    if (shot) URL.revokeObjectURL(shot.url);
    setShot(undefined);
    setProgress(undefined);
    if (index + 1 < props.sides.length) setIndex(index + 1);
    else props.onDone(retakes.current);
  };

  const retake = () => {
    setAdvice(undefined);
    retakes.current++;
    if (shot) URL.revokeObjectURL(shot.url);
    setShot(undefined);
    setProgress(undefined);
    setError(undefined);
  };

  const accept = async () => {
    if (!shot) return;
    setError(undefined);
    setProgress(0);
    try {
      await uploadMedia(side, shot.blob, setProgress);
      await sendCaptureFacts(side, {
        source: shot.source,
        width: shot.quality.width,
        height: shot.quality.height,
        retakes: retakes.current,
      });
      // The server reads the photo as the pipeline will (a few hundred ms) and says what it sees.
      setChecking(true);
      const check = await precheckPhoto(side, props.doc).catch(() => undefined);
      setChecking(false);
      if (
        check &&
        (check.verdict === 'mrz_unreadable' ||
          check.verdict === 'wrong_side' ||
          check.verdict === 'no_portrait')
      ) {
        setAdvice(t(`precheck.${check.verdict}.${props.doc}`));
        return;
      }
      next();
    } catch (e) {
      setProgress(undefined);
      const code = e instanceof ApiError ? e.code : 'network';
      setError(
        t(
          code === 'network'
            ? 'upload.network'
            : code === 'invalid_media'
              ? 'photo.invalid'
              : 'upload.failed',
        ),
      );
    }
  };

  const sideName = t(`side.${props.doc}.${side}`);
  return (
    <Layout title={t('photo.title', { side: sideName })} step={[2, 4]}>
      <p className="lead">{t(`photo.hint.${props.doc}.${side}`)}</p>
      {!shot && stream && (
        <div className="viewfinder">
          <video ref={video} autoPlay playsInline muted aria-label={t('photo.viewfinder')} />
          <div className="guide" style={{ aspectRatio: String(ASPECT[props.doc]) }} aria-hidden="true" />
          <div className="actions overlay-actions">
            <button type="button" className="primary shutter" onClick={take}>
              {t('photo.take')}
            </button>
          </div>
        </div>
      )}
      {!shot && !stream && (
        <>
          {cameraFailure && <CameraProblem kind={cameraFailure} onRetry={startCamera} />}
          <ul className="tips">
            <li>{t('photo.tip.flat')}</li>
            <li>{t('photo.tip.light')}</li>
            <li>{t('photo.tip.whole')}</li>
          </ul>
          <div className="actions">
            <button type="button" className="primary" onClick={startCamera}>
              {t('photo.openCamera')}
            </button>
            <label className="button secondary">
              {t('photo.fromFile')}
              <input
                type="file"
                accept="image/*"
                capture="environment"
                className="visually-hidden"
                data-testid={`file-${side}`}
                onChange={(e) => void fromFile(e.target.files?.[0])}
              />
            </label>
          </div>
        </>
      )}
      {shot && (
        <div className="review">
          <img src={shot.url} alt={t('photo.previewAlt', { side: sideName })} className="preview" />
          {shot.quality.problems.length > 0 ? (
            <div className="notice warn" role="status">
              <p>
                <strong>{t('photo.check.problems')}</strong>
              </p>
              <ul>
                {shot.quality.problems.map((p) => (
                  <li key={p}>{t(`photo.problem.${p}`)}</li>
                ))}
              </ul>
            </div>
          ) : (
            <p className="notice ok" role="status">
              {t('photo.check.ok')}
            </p>
          )}
          {progress !== undefined && !advice && (
            <Progress value={progress} label={t('upload.photoProgress')} />
          )}
          {checking && (
            <p role="status" aria-live="polite">
              {t('precheck.checking')}
            </p>
          )}
          {advice && (
            <div className="notice warn" role="alert">
              <p>{advice}</p>
              <div className="actions">
                <button type="button" className="primary" onClick={retake}>
                  {t('photo.retake')}
                </button>
                <button type="button" className="link" onClick={next}>
                  {t('precheck.keep')}
                </button>
              </div>
            </div>
          )}
          {error && (
            <p className="notice error" role="alert">
              {error}
            </p>
          )}
          <div className="actions" hidden={!!advice}>
            <button type="button" className="primary" onClick={accept} disabled={progress !== undefined}>
              {shot.quality.problems.length ? t('photo.useAnyway') : t('photo.use')}
            </button>
            <button type="button" className="secondary" onClick={retake} disabled={progress !== undefined}>
              {t('photo.retake')}
            </button>
          </div>
        </div>
      )}
      <div className="actions">
        <button type="button" className="link" onClick={props.onBack}>
          {t('common.back')}
        </button>
      </div>
    </Layout>
  );
}
