// Welcome: what will happen, how long, what to have at hand, the privacy notice, the 48-hour human review.
// On a computer, the QR code of this same link to continue on a phone (this page then follows the phone).
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n';
import { Layout } from '../components/Layout';

export function Welcome(props: { onStart(): void; desktop: boolean; resubmission: string[] }) {
  const { t } = useI18n();
  const [qr, setQr] = useState<string>();
  const [showQr, setShowQr] = useState(props.desktop);
  useEffect(() => {
    if (!showQr) return;
    // Loaded only on a computer: phones never download the QR encoder.
    import('qrcode')
      .then((m) =>
        m.default.toString(window.location.href, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }),
      )
      .then(setQr)
      .catch(() => setQr(undefined));
  }, [showQr]);
  return (
    <Layout title={t('welcome.title')}>
      {props.resubmission.length > 0 && (
        <div className="notice warn" role="status">
          <p>{t('welcome.again')}</p>
        </div>
      )}
      <p className="lead">{t('welcome.lead')}</p>
      <ol className="plan">
        <li>{t('welcome.plan.document')}</li>
        <li>{t('welcome.plan.photos')}</li>
        <li>{t('welcome.plan.video')}</li>
        <li>{t('welcome.plan.result')}</li>
      </ol>
      <p>
        <strong>{t('welcome.duration')}</strong>
      </p>
      <h2>{t('welcome.need.title')}</h2>
      <ul className="checklist">
        <li>{t('welcome.need.document')}</li>
        <li>{t('welcome.need.phone')}</li>
        <li>{t('welcome.need.place')}</li>
      </ul>
      {showQr && (
        <section className="card qr-card" aria-labelledby="qr-title">
          <h2 id="qr-title">{t('desktop.title')}</h2>
          <p>{t('desktop.text')}</p>
          {qr ? (
            <div
              className="qr"
              role="img"
              aria-label={t('desktop.qrAlt')}
              dangerouslySetInnerHTML={{ __html: qr }}
            />
          ) : null}
          <p className="muted" aria-live="polite">
            {t('desktop.follow')}
          </p>
        </section>
      )}
      <details className="privacy">
        <summary>{t('privacy.title')}</summary>
        <p>{t('privacy.what')}</p>
        <p>{t('privacy.who')}</p>
        <p>{t('privacy.how_long')}</p>
      </details>
      <p className="muted">{t('welcome.review')}</p>
      <div className="actions">
        <button type="button" className="primary" onClick={props.onStart}>
          {showQr ? t('desktop.continueHere') : t('welcome.start')}
        </button>
        {props.desktop && !showQr && (
          <button type="button" className="secondary" onClick={() => setShowQr(true)}>
            {t('desktop.showQr')}
          </button>
        )}
      </div>
    </Layout>
  );
}
