import { useState, type FormEvent } from 'react';
import { login, type SessionInfo } from '../domains/auth';
import { ApiError } from '../domains/http';
import { useMutation } from '../domains/use-async';
import { useI18n } from '../i18n';
import { errorText } from '../components/Async';

export function LoginPage({ onLoggedIn }: { onLoggedIn(s: SessionInfo): void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const m = useMutation((a: { email: string; password: string }) => login(a.email, a.password));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const s = await m.run({ email, password });
    if (s) onLoggedIn(s);
  };
  const err = m.error;
  const msg = err
    ? err instanceof ApiError && err.code === 'invalid_credentials'
      ? t('login.invalid')
      : err instanceof ApiError && (err.code === 'account_locked' || err.code === 'rate_limited')
        ? t('login.locked')
        : errorText(t, err)
    : null;
  return (
    <main id="main" className="login">
      <h1>{t('login.title')}</h1>
      <form onSubmit={submit} aria-describedby={msg ? 'login-error' : undefined}>
        <label>
          {t('login.email')}
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          {t('login.password')}
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {msg && (
          <p id="login-error" className="error" role="alert">
            {msg}
          </p>
        )}
        <button type="submit" className="primary" disabled={m.pending}>
          {m.pending ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}
