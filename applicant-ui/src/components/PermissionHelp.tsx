// How to allow the camera and microphone again, for the browser in use.
import { useI18n } from '../i18n';
import { browserFamily } from '../domains/environment';
import type { CameraFailure } from '../domains/camera';

export function CameraProblem(props: { kind: CameraFailure; onRetry(): void }) {
  const { t } = useI18n();
  const family = browserFamily(navigator.userAgent);
  return (
    <div className="notice error" role="alert">
      <h2>{t(`camera.${props.kind}.title`)}</h2>
      <p>{t(`camera.${props.kind}.text`)}</p>
      {props.kind === 'denied' && <p>{t(`permission.${family}`)}</p>}
      <button type="button" className="secondary" onClick={props.onRetry}>
        {t('common.tryAgain')}
      </button>
    </div>
  );
}
