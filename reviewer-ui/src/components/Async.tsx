// Loading and error states, the same everywhere.
import type { ReactNode } from 'react';
import { ApiError } from '../domains/http';
import { useI18n } from '../i18n';

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {t('common.loading')}
    </p>
  );
}

export function errorText(t: (k: string, v?: Record<string, string | number>) => string, e: Error): string {
  if (e instanceof ApiError) {
    if (e.code === 'network') return t('common.networkError');
    const key = `errors.${e.code}`;
    const s = t(key);
    if (s !== key) return s;
  }
  return t('common.error', { message: e.message });
}

export function ErrorBox({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="error" role="alert">
      <span>{errorText(t, error)}</span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

/** Renders loading, error or the content of a query. */
export function AsyncView<T>({
  q,
  children,
}: {
  q: { data?: T; error?: Error; loading: boolean; reload(): void };
  children: (d: T) => ReactNode;
}) {
  if (q.error && !q.data) return <ErrorBox error={q.error} onRetry={q.reload} />;
  if (!q.data) return <Loading />;
  return (
    <>
      {q.error && <ErrorBox error={q.error} onRetry={q.reload} />}
      {children(q.data)}
    </>
  );
}
