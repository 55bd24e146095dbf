// The one layout of every registered e-letter we send (the invitation and the activation letter): the mail that
// announces a letter and carries only its link, and the letter page itself. Pure string building.
import type { Lang } from '../contracts/lang.js';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const locale = (lang: Lang) => (lang === 'fr' ? 'fr-FR' : 'en-GB');

/** A day in Paris time, e.g. "7 décembre 2026". */
export const fmtDate = (d: Date, lang: Lang): string =>
  new Intl.DateTimeFormat(locale(lang), { dateStyle: 'long', timeZone: 'Europe/Paris' }).format(d);

/** A day and time in Paris time (receipts). */
export const fmtDateTime = (d: Date, lang: Lang): string =>
  new Intl.DateTimeFormat(locale(lang), {
    dateStyle: 'long',
    timeStyle: 'medium',
    timeZone: 'Europe/Paris',
  }).format(d);

export interface LetterMailParts {
  lang: Lang;
  subject: string;
  hello: string;
  /** What the letter is about, before the button. */
  body: string;
  /** The button's words and where it leads (the letter, never a code). */
  cta: { label: string; link: string };
  /** Lines after the button (validity, proof of receipt). */
  after: string[];
  /** The last, quieter line (what to do if it was not you, never share the code). */
  footnote: string;
}

/** The announcing mail, in text and HTML. */
export function renderLetterMailShell(m: LetterMailParts): RenderedMail {
  // French sets a space before a colon; English does not.
  const colon = m.lang === 'fr' ? ' :' : ':';
  const text = [
    m.hello,
    '',
    m.body,
    '',
    `${m.cta.label}${colon} ${m.cta.link}`,
    '',
    ...m.after,
    '',
    m.footnote,
    '',
  ].join('\n');
  const html = `<!doctype html><html lang="${m.lang}"><body style="font-family:sans-serif;max-width:36em">
<p>${esc(m.hello)}</p><p>${esc(m.body)}</p>
<p><a href="${esc(m.cta.link)}" style="display:inline-block;padding:.7em 1.2em;background:#1d3b8b;color:#fff;text-decoration:none;border-radius:6px;font-weight:600">${esc(m.cta.label)}</a></p>
<p>${m.after.map(esc).join('<br>')}</p><p style="color:#555">${esc(m.footnote)}</p></body></html>`;
  return { subject: m.subject, text, html };
}

export interface LetterPageParts {
  lang: Lang;
  title: string;
  hello: string;
  /** The letter's own content, already HTML (built with `esc`). */
  mainHtml: string;
}

const PAGE_STYLE =
  'body{font-family:system-ui,sans-serif;max-width:36em;margin:0 auto;padding:1.5em 1.1em;color:#1a1a2e;line-height:1.5}' +
  'h1{font-size:1.5em}' +
  'button{font:inherit;font-weight:600;min-height:48px;width:100%;max-width:22em;padding:0 1.2em;border:0;border-radius:10px;background:#1d3b8b;color:#fff;cursor:pointer}' +
  'button:focus-visible,.cta:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}' +
  '.muted{color:#4a4f5c;font-size:.95em}' +
  '.code{font-size:2.2em;letter-spacing:.3em;font-family:monospace}' +
  '.cta{display:inline-block;line-height:48px;padding:0 1.2em;background:#1d3b8b;color:#fff;text-decoration:none;border-radius:10px;font-weight:600}';

/** The letter page (phone first; no third-party resource, no referrer, not indexed). */
export function renderLetterPageShell(p: LetterPageParts): string {
  return `<!doctype html><html lang="${p.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><link rel="icon" href="data:,"><meta name="referrer" content="no-referrer"><title>${esc(p.title)}</title>
<style>${PAGE_STYLE}</style>
</head><body><main><h1>${esc(p.title)}</h1><p>${esc(p.hello)}</p>${p.mainHtml}</main></body></html>`;
}
