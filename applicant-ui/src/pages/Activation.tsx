// Activation: the 6-digit code from the e-letter or the SMS. Remaining attempts and the lock are shown; no
// reference to type (the link token says which identity).
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n';
import { activate, getActivation } from '../domains/session';
import { ApiError } from '../domains/http';

type View = {
  state: 'none' | 'issued' | 'activated';
  attemptsLeft: number | null;
  locked: boolean;
  expired: boolean;
};

export function ActivationForm(props: { headingLevel?: 1 | 2 }) {
  const { t, dt } = useI18n();
  const [view, setView] = useState<View>();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [doneAt, setDoneAt] = useState<string>();

  useEffect(() => {
    getActivation()
      .then((v) => {
        setView(v);
        if (v.activatedAt) setDoneAt(v.activatedAt);
      })
      .catch(() => setView({ state: 'none', attemptsLeft: null, locked: false, expired: false }));
  }, []);

  const send = async (e: React.FormEvent) => {
    e.preventDefault();
    const digits = code.replace(/\D/g, '');
    if (digits.length !== 6) {
      setError(t('activation.format'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const r = await activate(digits);
      setDoneAt(r.activatedAt);
    } catch (e) {
      if (e instanceof ApiError) {
        if (e.code === 'invalid_code') {
          const left = (e.details as { attemptsRemaining?: number } | undefined)?.attemptsRemaining;
          setView((v) => (v ? { ...v, attemptsLeft: left ?? v.attemptsLeft } : v));
          setError(t('activation.wrong', { n: left ?? '?' }));
        } else if (e.code === 'code_locked') {
          setView((v) => (v ? { ...v, locked: true, attemptsLeft: 0 } : v));
        } else if (e.code === 'already_activated') {
          setDoneAt(new Date().toISOString());
        } else setError(t(`activation.error.${e.code}`));
      } else setError(t('upload.network'));
    } finally {
      setBusy(false);
    }
  };

  const H = props.headingLevel === 1 ? 'h1' : 'h2';
  if (doneAt)
    return (
      <section className="card success" aria-live="polite">
        <H>{t('activation.done.title')}</H>
        <p>{t('activation.done.text', { at: dt(doneAt) })}</p>
      </section>
    );
  if (!view) return <p aria-busy="true">{t('common.loading')}</p>;
  if (view.locked)
    return (
      <section className="notice error" role="alert">
        <H>{t('activation.locked.title')}</H>
        <p>{t('activation.locked.text')}</p>
      </section>
    );
  if (view.state === 'none')
    return (
      <section className="card">
        <H>{t('activation.title')}</H>
        <p>{t('activation.pending')}</p>
      </section>
    );
  return (
    <section className="card">
      <H>{t('activation.title')}</H>
      <p>{t('activation.lead')}</p>
      {view.expired && <p className="notice warn">{t('activation.expired')}</p>}
      <form onSubmit={send} noValidate>
        <label htmlFor="code">{t('activation.label')}</label>
        <input
          id="code"
          name="code"
          className="code-input"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]*"
          maxLength={9}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          aria-describedby="code-help"
          aria-invalid={error ? true : undefined}
        />
        <p id="code-help" className="muted">
          {view.attemptsLeft !== null ? t('activation.attemptsLeft', { n: view.attemptsLeft }) : ''}
        </p>
        {error && (
          <p className="notice error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t('activation.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
