// Shell: session gate, header with navigation and language switch, and the three screens.
import { useCallback, useEffect, useState } from 'react';
import { canOps, canReview, fetchMe, logout, type SessionInfo } from './domains/auth';
import { ApiError, setUnauthorizedHandler } from './domains/http';
import { useI18n, type Lang } from './i18n';
import { Link, useLocation } from './components/router';
import { ErrorBox, Loading } from './components/Async';
import { LoginPage } from './pages/Login';
import { QueuePage } from './pages/Queue';
import { CasePage } from './pages/Case';
import { OpsPage } from './pages/Ops';
import { DevOutboxPage, QaPage, SearchBox } from './pages/Desk';

export function App() {
  const { t, lang, setLang } = useI18n();
  const { path } = useLocation();
  const [session, setSession] = useState<SessionInfo | null>();
  const [error, setError] = useState<Error>();

  const check = useCallback(() => {
    setError(undefined);
    fetchMe()
      .then(setSession)
      .catch((e: Error) => (e instanceof ApiError && e.status === 401 ? setSession(null) : setError(e)));
  }, []);
  useEffect(() => {
    setUnauthorizedHandler(() => setSession(null));
    check();
  }, [check]);
  useEffect(() => {
    document.title = t('app.title');
  }, [t]);

  const langSwitch = (
    <label className="lang">
      <span className="sr-only">{t('nav.language')}</span>
      <select value={lang} onChange={(e) => setLang(e.target.value as Lang)} aria-label={t('nav.language')}>
        <option value="fr">Français</option>
        <option value="en">English</option>
      </select>
    </label>
  );

  if (error) return <ErrorBox error={error} onRetry={check} />;
  if (session === undefined) return <Loading />;
  if (session === null) {
    return (
      <>
        <header className="top">
          <strong>{t('app.title')}</strong>
          {langSwitch}
        </header>
        <LoginPage onLoggedIn={setSession} />
      </>
    );
  }
  const caseMatch = /^\/cases\/([0-9a-f-]{36})$/.exec(path);
  return (
    <>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="top">
        <strong>{t('app.title')}</strong>
        <nav aria-label="main">
          {canReview(session.reviewer.role) && <Link to="/">{t('nav.queue')}</Link>}
          {canReview(session.reviewer.role) && <Link to="/qa">{t('nav.qa')}</Link>}
          {canOps(session.reviewer.role) && <Link to="/ops">{t('nav.ops')}</Link>}
          {session.reviewer.role === 'admin' && <Link to="/outbox">{t('nav.outbox')}</Link>}
        </nav>
        {canReview(session.reviewer.role) && <SearchBox />}
        <span className="who">
          {session.reviewer.email} ({session.reviewer.role})
        </span>
        {langSwitch}
        <button type="button" onClick={() => void logout().finally(() => setSession(null))}>
          {t('nav.logout')}
        </button>
      </header>
      <main id="main">
        {caseMatch ? (
          <CasePage caseId={caseMatch[1]!} session={session} />
        ) : path === '/outbox' && session.reviewer.role === 'admin' ? (
          <DevOutboxPage />
        ) : path === '/qa' && canReview(session.reviewer.role) ? (
          <QaPage />
        ) : path === '/ops' || !canReview(session.reviewer.role) ? (
          <OpsPage />
        ) : (
          <QueuePage session={session} />
        )}
      </main>
    </>
  );
}
