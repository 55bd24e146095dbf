// The applicant's journey: Welcome → Document → Photos → Video → Upload → Status (→ activation code).
// /v/<token> is the journey; /v/<token>/activate is the activation page alone (the activation e-letter links
// there with its own token). The screen follows the server's status, so reopening the link resumes.
import { useCallback, useEffect, useState } from 'react';
import { useI18n } from './i18n';
import { setToken, ApiError } from './domains/http';
import { getSession, type DocId, type Session, type Side } from './domains/session';
import { inAppBrowser, isDesktop } from './domains/environment';
import { Layout } from './components/Layout';
import { Welcome } from './pages/Welcome';
import { DocumentChoice } from './pages/DocumentChoice';
import { Photos } from './pages/Photos';
import { Video, type Recording } from './pages/Video';
import { Upload } from './pages/Upload';
import { Status } from './pages/Status';
import { ActivationForm } from './pages/Activation';
import { ErrorScreen } from './pages/ErrorScreen';

type Screen =
  | { name: 'loading' }
  | { name: 'welcome' }
  | { name: 'document' }
  | { name: 'photos'; doc: DocId; sides: Side[] }
  | { name: 'video'; notice?: string }
  | { name: 'upload'; recording: Recording }
  | { name: 'status' }
  | { name: 'error'; code: string };

function parsePath(path: string): { token?: string; activate: boolean } {
  const m = /^\/v\/([A-Za-z0-9_-]{20,200})(\/activate)?\/?$/.exec(path);
  return m ? { token: m[1], activate: !!m[2] } : { activate: false };
}

const route = parsePath(window.location.pathname);
if (route.token) setToken(route.token);

const OPEN = new Set(['created', 'resubmission_requested']);

export function App() {
  const { t } = useI18n();
  const [session, setSession] = useState<Session>();
  const [screen, setScreen] = useState<Screen>({ name: 'loading' });
  const [inApp, setInApp] = useState(() => inAppBrowser(navigator.userAgent));
  const desktop = isDesktop(navigator.userAgent, window.matchMedia?.('(pointer: coarse)').matches ?? false);

  const load = useCallback(async () => {
    try {
      const s = await getSession();
      setSession(s);
      if (s.status === 'expired') setScreen({ name: 'error', code: 'verification_expired' });
      else if (!OPEN.has(s.status) || s.uploaded.includes('video')) setScreen({ name: 'status' });
      else setScreen({ name: 'welcome' });
    } catch (e) {
      setScreen({
        name: 'error',
        code: e instanceof ApiError && e.status === 401 ? 'invalid_link' : 'network',
      });
    }
  }, []);

  useEffect(() => {
    if (route.token && !route.activate) void load();
  }, [load]);

  // A computer showing the QR code follows the phone: when the phone submits, this page moves on.
  useEffect(() => {
    if (screen.name !== 'welcome' || !desktop) return;
    const id = window.setInterval(() => {
      getSession()
        .then((s) => {
          if (!OPEN.has(s.status)) {
            setSession(s);
            setScreen({ name: 'status' });
          }
        })
        .catch(() => undefined);
    }, 3000);
    return () => clearInterval(id);
  }, [screen.name, desktop]);

  if (!route.token) return <ErrorScreen code="invalid_link" />;
  if (route.activate)
    return (
      <Layout title={t('activation.pageTitle')}>
        <ActivationForm headingLevel={2} />
      </Layout>
    );
  if (inApp) return <ErrorScreen code="in_app" app={inApp} onRetry={() => setInApp(undefined)} />;

  const fatal = (code: string) => {
    if (code === 'already_submitted') void load();
    else setScreen({ name: 'error', code });
  };

  switch (screen.name) {
    case 'loading':
      return (
        <Layout title={t('common.loading')}>
          <p aria-busy="true">{t('common.loading')}</p>
        </Layout>
      );
    case 'error':
      return <ErrorScreen code={screen.code} onRetry={screen.code === 'network' ? load : undefined} />;
    case 'welcome':
      return (
        <Welcome
          desktop={desktop}
          resubmission={session?.status === 'resubmission_requested' ? session.reasons : []}
          onStart={() => setScreen({ name: 'document' })}
        />
      );
    case 'document':
      return (
        <DocumentChoice
          documents={session?.documents ?? []}
          onBack={() => setScreen({ name: 'welcome' })}
          onChoose={(doc) => {
            const sides = session?.documents.find((d) => d.id === doc)?.sides ?? ['front'];
            setScreen({ name: 'photos', doc, sides });
          }}
        />
      );
    case 'photos':
      return (
        <Photos
          doc={screen.doc}
          sides={screen.sides}
          onBack={() => setScreen({ name: 'document' })}
          onDone={() => setScreen({ name: 'video' })}
        />
      );
    case 'video':
      return (
        <Video
          notice={screen.notice}
          speechLang={session?.lang}
          onBack={() => setScreen({ name: 'document' })}
          onFatal={fatal}
          onDone={(recording) => setScreen({ name: 'upload', recording })}
        />
      );
    case 'upload':
      return (
        <Upload
          recording={screen.recording}
          onFatal={fatal}
          onChallengeExpired={() => setScreen({ name: 'video', notice: t('video.expired') })}
          onSubmitted={() => void load()}
        />
      );
    case 'status':
      return session ? (
        <Status
          initial={session}
          onRestart={(s) => {
            setSession(s);
            setScreen({ name: 'document' });
          }}
        />
      ) : null;
  }
}
