// The applicant's app in French and English (strings in fr.json / en.json); a browser in another language gets English.
import { createI18n, type Lang, type TFn } from '../../../ui-shared/i18n';
import fr from './fr.json';
import en from './en.json';

export type { Lang, TFn };

export const { I18nProvider, useI18n } = createI18n({
  dicts: { fr, en },
  storageKey: 'idv.applicant.lang',
  otherBrowsers: 'en',
  titleKey: 'app.title',
  dateFormat: { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' },
});
