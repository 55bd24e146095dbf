// Page frame: header with the language switch, one main landmark whose heading receives focus when the
// screen changes (so screen readers announce the new step), and the step indicator.
import { useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from '../i18n';

export function Layout(props: { title: string; step?: [number, number]; children: ReactNode }) {
  const { t, lang, setLang } = useI18n();
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    h1.current?.focus();
  }, [props.title]);
  return (
    <div className="page">
      <header className="top">
        <span className="brand" aria-hidden="true">
          ID
        </span>
        <span className="brand-name">{t('app.name')}</span>
        <button
          type="button"
          className="lang"
          lang={lang === 'fr' ? 'en' : 'fr'}
          onClick={() => setLang(lang === 'fr' ? 'en' : 'fr')}
        >
          {lang === 'fr' ? 'EN' : 'FR'}
          <span className="visually-hidden">
            {lang === 'fr' ? ' (English version)' : ' (version française)'}
          </span>
        </button>
      </header>
      <main>
        {props.step && <p className="step">{t('step.of', { n: props.step[0], total: props.step[1] })}</p>}
        <h1 ref={h1} tabIndex={-1}>
          {props.title}
        </h1>
        {props.children}
      </main>
    </div>
  );
}

export function Progress(props: { value: number; label: string }) {
  const pct = Math.round(Math.max(0, Math.min(1, props.value)) * 100);
  return (
    <div className="progress-wrap">
      <div
        className="progress"
        role="progressbar"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
      >
        <div className="progress-bar" style={{ width: `${pct}%` }} />
      </div>
      <span className="progress-text" aria-hidden="true">
        {pct} %
      </span>
    </div>
  );
}
