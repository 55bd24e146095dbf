// Errors with a way out: expired or unknown link, already submitted, in-app browser, camera impossible.
import { useState } from 'react';
import { useI18n } from '../i18n';
import { Layout } from '../components/Layout';

export function ErrorScreen(props: { code: string; app?: string; onRetry?(): void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(window.location.href);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Layout title={t(`error.${props.code}.title`)}>
      <p className="lead">{t(`error.${props.code}.text`, { app: props.app ?? '' })}</p>
      {props.code === 'in_app' && (
        <div className="actions">
          <button type="button" className="primary" onClick={copy}>
            {t('error.in_app.copy')}
          </button>
          <p aria-live="polite">{copied ? t('error.in_app.copied') : ''}</p>
          {props.onRetry && (
            <button type="button" className="link" onClick={props.onRetry}>
              {t('error.in_app.continue')}
            </button>
          )}
        </div>
      )}
      {props.onRetry && props.code !== 'in_app' && (
        <div className="actions">
          <button type="button" className="primary" onClick={props.onRetry}>
            {t('common.tryAgain')}
          </button>
        </div>
      )}
    </Layout>
  );
}
