// French and English, all strings in the locale files. Browser language first, switchable, remembered.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import fr from './fr.json';
import en from './en.json';

export type Lang = 'fr' | 'en';
type Dict = Record<string, string>;
const DICTS: Record<Lang, Dict> = { fr, en };

export type TFn = (key: string, vars?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  setLang(l: Lang): void;
  t: TFn;
  /** Date and time in Paris time, e.g. for the review deadline. */
  dt(iso: string | null | undefined): string;
}

const Ctx = createContext<I18n | null>(null);

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem('idv.applicant.lang');
    if (saved === 'fr' || saved === 'en') return saved;
  } catch {
    // Private modes may refuse storage: the browser language decides.
  }
  return (navigator.language || 'fr').toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = DICTS[lang]['app.title'] ?? document.title;
  }, [lang]);
  const setLang = useCallback((l: Lang) => {
    try {
      localStorage.setItem('idv.applicant.lang', l);
    } catch {
      // Not remembered; still switched.
    }
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(() => {
    const dict = DICTS[lang];
    const t: TFn = (key, vars) => {
      const s = dict[key] ?? DICTS.en[key] ?? key;
      return vars ? s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`)) : s;
    };
    const fmt = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'Europe/Paris',
    });
    return { lang, setLang, t, dt: (iso) => (iso ? fmt.format(new Date(iso)) : '—') };
  }, [lang, setLang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
