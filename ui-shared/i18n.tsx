// One French/English provider for both web apps (the applicant's app and the reviewers' console): strings in each
// app's locale files, the language from the browser first, switchable and remembered, dates in Paris time.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Lang } from '../service/contracts/lang';

export type { Lang };
export type Dict = Record<string, string>;
export type TFn = (key: string, vars?: Record<string, string | number>) => string;

export interface I18n {
  lang: Lang;
  setLang(l: Lang): void;
  t: TFn;
  /** Translation of `key`, or `fallback` when the locale files have none (open vocabularies). */
  tOr(key: string, fallback: string): string;
  /** Localised decimal (comma in French) with exactly `digits` fraction digits. */
  num(value: number, digits?: number): string;
  /** Localised date-time in Europe/Paris (the business calendar's zone; pages say so). */
  dt(iso: string | null | undefined): string;
}

export interface I18nOptions {
  dicts: Record<Lang, Dict>;
  /** localStorage key remembering the reader's choice. */
  storageKey: string;
  /** Language for a browser that is neither French nor English. */
  otherBrowsers: Lang;
  /** How `dt` writes a date-time. */
  dateFormat: Intl.DateTimeFormatOptions;
  /** Key of the page title in the locale files, when the app sets it per language. */
  titleKey?: string;
}

function interpolate(s: string, vars?: Record<string, string | number>): string {
  return vars ? s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`)) : s;
}

export function createI18n(opts: I18nOptions): {
  I18nProvider: (props: { children: ReactNode }) => ReactNode;
  useI18n: () => I18n;
} {
  const Ctx = createContext<I18n | null>(null);

  function initialLang(): Lang {
    try {
      const saved = localStorage.getItem(opts.storageKey);
      if (saved === 'fr' || saved === 'en') return saved;
    } catch {
      // Private modes may refuse storage: the browser language decides.
    }
    const nav = (navigator.language || '').toLowerCase();
    if (nav.startsWith('fr')) return 'fr';
    if (nav.startsWith('en')) return 'en';
    return opts.otherBrowsers;
  }

  function I18nProvider({ children }: { children: ReactNode }) {
    const [lang, setLangState] = useState<Lang>(initialLang);
    useEffect(() => {
      document.documentElement.lang = lang;
      const title = opts.titleKey ? opts.dicts[lang][opts.titleKey] : undefined;
      if (title) document.title = title;
    }, [lang]);
    const setLang = useCallback((l: Lang) => {
      try {
        localStorage.setItem(opts.storageKey, l);
      } catch {
        // Not remembered; still switched.
      }
      setLangState(l);
    }, []);
    const value = useMemo<I18n>(() => {
      const dict = opts.dicts[lang];
      const en = opts.dicts.en;
      const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
      const dates = new Intl.DateTimeFormat(locale, { ...opts.dateFormat, timeZone: 'Europe/Paris' });
      const nums = new Map<number, Intl.NumberFormat>();
      const num = (value: number, digits = 2) => {
        let f = nums.get(digits);
        if (!f) {
          f = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
          nums.set(digits, f);
        }
        return f.format(value);
      };
      return {
        lang,
        setLang,
        t: (key, vars) => interpolate(dict[key] ?? en[key] ?? key, vars),
        tOr: (key, fallback) => dict[key] ?? en[key] ?? fallback,
        num,
        dt: (iso) => (iso ? dates.format(new Date(iso)) : '—'),
      };
    }, [lang, setLang]);
    return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
  }

  function useI18n(): I18n {
    const v = useContext(Ctx);
    if (!v) throw new Error('useI18n outside I18nProvider');
    return v;
  }

  return { I18nProvider, useI18n };
}
