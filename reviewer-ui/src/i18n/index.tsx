// The reviewers' console in French and English (strings in fr.json / en.json); French unless the browser is English.
import { createI18n, type Lang, type TFn } from '../../../ui-shared/i18n';
import fr from './fr.json';
import en from './en.json';

export type { Lang, TFn };

export const { I18nProvider, useI18n } = createI18n({
  dicts: { fr, en },
  storageKey: 'idv.lang',
  otherBrowsers: 'fr',
  dateFormat: { dateStyle: 'medium', timeStyle: 'short' },
});
