// Sending the video with a progress bar, then the submission. After a dropped connection the upload resumes by
// itself from what the server holds (tus, a few tries with growing pauses); then a button resumes it again.
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { Layout, Progress } from '../components/Layout';
import { sendCaptureFacts, uploadMedia } from '../domains/upload';
import { submit } from '../domains/session';
import { ApiError } from '../domains/http';
import type { Recording } from './Video';

export function Upload(props: {
  recording: Recording;
  onSubmitted(): void;
  onChallengeExpired(): void;
  onFatal(code: string): void;
}) {
  const { t } = useI18n();
  const [progress, setProgress] = useState(0);
  const [phase, setPhase] = useState<'upload' | 'submit' | 'failed'>('upload');
  // The connection dropped during this upload: said from the drop until the upload ends (not left guessing).
  const [dropped, setDropped] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const started = useRef(-1);

  useEffect(() => {
    if (started.current === attempt) return;
    started.current = attempt;
    const ctrl = new AbortController();
    (async () => {
      setPhase('upload');
      try {
        const r = props.recording;
        await uploadMedia('video', r.blob, setProgress, {
          signal: ctrl.signal,
          onRetrying: () => setDropped(true),
        });
        setDropped(false);
        const f = r.facts;
        await sendCaptureFacts('video', {
          source: 'camera',
          cameraLabel: f.cameraLabel,
          ...(f.width ? { width: Math.round(f.width) } : {}),
          ...(f.height ? { height: Math.round(f.height) } : {}),
          ...(f.frameRate ? { frameRate: f.frameRate } : {}),
          recorderMime: r.mime,
          durationMs: Math.round(r.durationMs),
          retakes: r.retakes,
          challengeToUploadMs: Math.max(0, Date.now() - r.challengeAt),
        });
        setPhase('submit');
        await submit();
        props.onSubmitted();
      } catch (e) {
        if (ctrl.signal.aborted) return;
        if (e instanceof ApiError) {
          if (e.code === 'challenge_expired') return props.onChallengeExpired();
          if (e.code === 'already_submitted' || e.code === 'verification_expired')
            return props.onFatal(e.code);
          if (e.code === 'invalid_media') return props.onFatal('invalid_video');
        }
        setPhase('failed');
      }
    })();
    return () => ctrl.abort();
  }, [attempt]);

  return (
    <Layout title={t('upload.title')} step={[4, 4]}>
      <p className="lead">{t('upload.lead')}</p>
      <Progress value={phase === 'upload' ? progress : 1} label={t('upload.videoProgress')} />
      <p aria-live="polite" role="status">
        {phase === 'upload' && (dropped || attempt > 0)
          ? t('upload.retrying')
          : phase === 'upload'
            ? t('upload.sending')
            : phase === 'submit'
              ? t('upload.submitting')
              : ''}
      </p>
      {phase === 'failed' && (
        <div className="notice error" role="alert">
          <p>{t('upload.network')}</p>
          <button type="button" className="primary" onClick={() => setAttempt((a) => a + 1)}>
            {t('common.tryAgain')}
          </button>
        </div>
      )}
    </Layout>
  );
}
