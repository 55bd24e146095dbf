// The video: camera and microphone in one request, a face oval. "Record" asks the server for the challenge
// at that moment, counts 3-2-1, then shows the digits large one after the other while 10 s are recorded.
// Playback and retake before sending. The camera is switched off while the recording is played back.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { Layout } from '../components/Layout';
import { CameraProblem } from '../components/PermissionHelp';
import { CameraError, openSelfieCamera, stopStream, trackFacts, type CameraFailure } from '../domains/camera';
import { chooseRecorderType, RECORD_MS } from '../domains/recorder';
import { getChallenge, type Challenge } from '../domains/session';
import { ApiError } from '../domains/http';

export interface Recording {
  blob: Blob;
  mime: string;
  durationMs: number;
  challengeAt: number;
  retakes: number;
  facts: ReturnType<typeof trackFacts>;
}

type Phase = 'preview' | 'countdown' | 'recording' | 'review';

/** When each digit appears after recording starts (ms), and how long it stays. */
const DIGIT_START_MS = 1000;
const DIGIT_EVERY_MS = 2000;

export function Video(props: {
  notice?: string;
  /** Language the digits must be spoken in (the verification's; the speech check listens for it). */
  speechLang?: 'fr' | 'en' | undefined;
  onDone(r: Recording): void;
  onBack(): void;
  onFatal(code: string): void;
}) {
  const { t, lang } = useI18n();
  // A screen in one language and a check listening for the other: say which language to speak.
  const sayIn =
    props.speechLang && props.speechLang !== lang ? ' ' + t(`video.sayIn.${props.speechLang}`) : '';
  const [stream, setStream] = useState<MediaStream>();
  const [failure, setFailure] = useState<CameraFailure>();
  const [phase, setPhase] = useState<Phase>('preview');
  const [count, setCount] = useState(3);
  const [challenge, setChallenge] = useState<Challenge>();
  const [shown, setShown] = useState(-1);
  const [elapsed, setElapsed] = useState(0);
  const [recording, setRecording] = useState<Recording>();
  const [url, setUrl] = useState<string>();
  const [error, setError] = useState<string>();
  const retakes = useRef(0);
  const live = useRef<HTMLVideoElement>(null);
  const timers = useRef<number[]>([]);

  const clearTimers = () => {
    timers.current.forEach((id) => clearTimeout(id));
    timers.current = [];
  };

  const start = useCallback(async () => {
    setFailure(undefined);
    try {
      setStream(await openSelfieCamera());
    } catch (e) {
      setFailure(e instanceof CameraError ? e.kind : 'unsupported');
    }
  }, []);

  useEffect(() => {
    void start();
  }, [start]);
  useEffect(() => () => stopStream(stream), [stream]);
  useEffect(() => {
    if (live.current && stream) live.current.srcObject = stream;
  }, [stream, phase]);
  useEffect(() => () => clearTimers(), []);
  useEffect(() => () => (url ? URL.revokeObjectURL(url) : undefined), [url]);

  const record = async () => {
    if (!stream) return;
    setError(undefined);
    const mime = chooseRecorderType((m) => MediaRecorder.isTypeSupported(m), navigator.userAgent);
    if (!mime || typeof MediaRecorder === 'undefined') {
      setError(t('video.cannotRecord'));
      return;
    }
    let ch: Challenge;
    try {
      ch = await getChallenge();
    } catch (e) {
      if (e instanceof ApiError && (e.status === 410 || e.status === 409)) return props.onFatal(e.code);
      setError(t('upload.network'));
      return;
    }
    const challengeAt = Date.now();
    setChallenge(ch);
    setShown(-1);
    setPhase('countdown');
    for (let i = 3; i >= 1; i--) {
      setCount(i);
      await new Promise((r) => timers.current.push(window.setTimeout(r, 1000)));
    }
    const chunks: Blob[] = [];
    const rec = new MediaRecorder(stream, {
      mimeType: mime,
      videoBitsPerSecond: 1_500_000,
      audioBitsPerSecond: 64_000,
    });
    rec.ondataavailable = (e) => {
      if (e.data.size) chunks.push(e.data);
    };
    const began = performance.now();
    rec.onstop = () => {
      const durationMs = performance.now() - began;
      const blob = new Blob(chunks, { type: mime.split(';')[0] });
      const facts = trackFacts(stream);
      stopStream(stream);
      setStream(undefined);
      setUrl(URL.createObjectURL(blob));
      setRecording({ blob, mime, durationMs, challengeAt, retakes: retakes.current, facts });
      setPhase('review');
    };
    rec.start(1000);
    setPhase('recording');
    setElapsed(0);
    for (let i = 0; i < ch.digits.length; i++)
      timers.current.push(window.setTimeout(() => setShown(i), DIGIT_START_MS + i * DIGIT_EVERY_MS));
    for (let s = 1; s <= RECORD_MS / 1000; s++)
      timers.current.push(window.setTimeout(() => setElapsed(s), s * 1000));
    timers.current.push(window.setTimeout(() => rec.state !== 'inactive' && rec.stop(), RECORD_MS));
  };

  const retake = () => {
    clearTimers();
    retakes.current++;
    setRecording(undefined);
    setUrl(undefined);
    setPhase('preview');
    void start();
  };

  const digits = challenge?.digits ?? '';
  return (
    <Layout title={t('video.title')} step={[3, 4]}>
      {props.notice && (
        <p className="notice warn" role="status">
          {props.notice}
        </p>
      )}
      {failure && <CameraProblem kind={failure} onRetry={start} />}
      {phase !== 'review' && !failure && (
        <>
          {phase === 'preview' && (
            <ul className="tips">
              <li>{t('video.tip.face')}</li>
              <li>{t('video.tip.card')}</li>
              <li>
                {t('video.tip.say')}
                {sayIn}
              </li>
            </ul>
          )}
          <div className="viewfinder selfie">
            <video ref={live} autoPlay playsInline muted aria-label={t('video.viewfinder')} />
            <svg className="oval" viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true">
              <ellipse cx="50" cy="45" rx="24" ry="33" />
            </svg>
            {phase === 'countdown' && (
              <div className="big-count" aria-hidden="true">
                {count}
              </div>
            )}
            {phase === 'recording' && (
              <div className="digits-overlay">
                <span className="rec-dot">{t('video.recording', { s: RECORD_MS / 1000 - elapsed })}</span>
                <div className="digit" data-testid="digit">
                  {shown >= 0 ? digits[shown] : ''}
                </div>
                <div className="digit-row" aria-hidden="true">
                  {[...digits].map((d, i) => (
                    <span key={i} className={i <= shown ? 'on' : ''}>
                      {i <= shown ? d : '•'}
                    </span>
                  ))}
                </div>
              </div>
            )}
          </div>
          <p className="sr-live" aria-live="assertive" role="status">
            {phase === 'countdown'
              ? t('video.countdown', { n: count })
              : phase === 'recording' && shown >= 0
                ? t('video.sayDigit', { d: digits[shown]! })
                : ''}
          </p>
          {(phase === 'countdown' || phase === 'recording') && (
            <p className="instruction">
              <strong>
                {t('video.sayAloud')}
                {sayIn}
              </strong>{' '}
              {t('video.holdId')}
            </p>
          )}
          {error && (
            <p className="notice error" role="alert">
              {error}
            </p>
          )}
          {phase === 'preview' && (
            <div className="actions">
              <button type="button" className="primary record" onClick={record} disabled={!stream}>
                {t('video.record')}
              </button>
              <button type="button" className="link" onClick={props.onBack}>
                {t('common.back')}
              </button>
            </div>
          )}
        </>
      )}
      {phase === 'review' && recording && url && (
        <div className="review">
          <video className="playback" src={url} controls playsInline aria-label={t('video.playback')} />
          <p>{t('video.check', { digits: [...digits].join(' ') })}</p>
          <div className="actions">
            <button type="button" className="primary" onClick={() => props.onDone(recording)}>
              {t('video.use')}
            </button>
            <button type="button" className="secondary" onClick={retake}>
              {t('video.retake')}
            </button>
          </div>
        </div>
      )}
    </Layout>
  );
}
