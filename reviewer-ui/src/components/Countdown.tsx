// Live countdown to the review deadline (wall-clock time left), with the working hours left as computed by the
// server's business calendar. The server clock offset is applied so a wrong desktop clock does not mislead.
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n';

export function useNow(everyMs = 1000, serverNow?: string): number {
  const [offset] = useState(() => (serverNow ? new Date(serverNow).getTime() - Date.now() : 0));
  const [now, setNow] = useState(() => Date.now() + offset);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now() + offset), everyMs);
    return () => clearInterval(t);
  }, [everyMs, offset]);
  return now;
}

function hms(ms: number): { d: number; hms: string } {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const p = (n: number) => String(n).padStart(2, '0');
  return { d, hms: `${p(Math.floor((s % 86400) / 3600))}:${p(Math.floor((s % 3600) / 60))}:${p(s % 60)}` };
}

export function Countdown({
  deadline,
  workingHoursLeft,
  atRisk,
  serverNow,
  onExpire,
}: {
  deadline: string | null;
  workingHoursLeft?: number | null;
  atRisk?: boolean;
  serverNow?: string;
  onExpire?: () => void;
}) {
  const { t, num } = useI18n();
  const now = useNow(1000, serverNow);
  const left = deadline ? new Date(deadline).getTime() - now : null;
  const expired = left !== null && left <= 0;
  useEffect(() => {
    if (expired) onExpire?.();
  }, [expired, onExpire]);
  if (left === null) return <span>—</span>;
  if (expired) return <span className="countdown expired">{t('countdown.expired')}</span>;
  const { d, hms: s } = hms(left);
  const time = d > 0 ? t('countdown.days', { d, hms: s }) : s;
  return (
    <span
      className={`countdown${atRisk ? ' at-risk' : ''}`}
      title={
        workingHoursLeft != null
          ? t('countdown.workingHours', { hours: num(workingHoursLeft, 1) })
          : undefined
      }
    >
      <span className="countdown-time">{t('countdown.left', { time })}</span>
      {workingHoursLeft != null && (
        <small> · {t('countdown.workingHours', { hours: num(workingHoursLeft, 1) })}</small>
      )}
    </span>
  );
}
