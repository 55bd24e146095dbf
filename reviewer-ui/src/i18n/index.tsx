// French and English, all strings in the locale files. The language is remembered in localStorage.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import fr from './fr.json';
import en from './en.json';

export type { Lang } from '../../../service/contracts/lang';
import type { Lang } from '../../../service/contracts/lang';
type Dict = Record<string, string>;
const DICTS: Record<Lang, Dict> = { fr, en };

export type TFn = (key: string, vars?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  setLang(l: Lang): void;
  t: TFn;
  /** Localised date-time, in Europe/Paris (the business calendar's zone; pages say so). */
  dt(iso: string | null | undefined): string;
  /** Localised decimal (comma in French) with exactly `digits` fraction digits. */
  num(value: number, digits?: number): string;
  /** Translation of `key`, or `fallback` when the locale files have none (open vocabularies). */
  tOr(key: string, fallback: string): string;
}

const Ctx = createContext<I18n | null>(null);

function initialLang(): Lang {
  const saved = localStorage.getItem('idv.lang');
  if (saved === 'fr' || saved === 'en') return saved;
  return navigator.language.startsWith('en') ? 'en' : 'fr';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem('idv.lang', l);
    document.documentElement.lang = l;
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(() => {
    const dict = DICTS[lang];
    const t: TFn = (key, vars) => {
      const s = dict[key] ?? DICTS.en[key] ?? key;
      return vars ? s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`)) : s;
    };
    const fmt = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: 'Europe/Paris',
    });
    const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
    const nums = new Map<number, Intl.NumberFormat>();
    const num = (value: number, digits = 2) => {
      let f = nums.get(digits);
      if (!f) {
        f = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
        nums.set(digits, f);
      }
      return f.format(value);
    };
    const tOr = (key: string, fallback: string) => dict[key] ?? DICTS.en[key] ?? fallback;
    return { lang, setLang, t, num, tOr, dt: (iso) => (iso ? fmt.format(new Date(iso)) : '—') };
  }, [lang, setLang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
