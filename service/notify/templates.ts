// Message templates (pure). The e-mail announces the registered e-letter and carries only the link;
// the letter page (opened through that link) and the SMS carry the code. French and English.
export type { Lang } from '../contracts/lang.js';
import type { Lang } from '../contracts/lang.js';
import {
  esc,
  fmtDate,
  fmtDateTime,
  renderLetterMailShell,
  renderLetterPageShell,
  type RenderedMail,
} from '../shared/letter-shell.js';

export type { RenderedMail };

const MAIL = {
  fr: {
    subject: 'Lettre recommandée électronique : activation de votre identité numérique',
    hello: (n?: string) => (n ? `Bonjour ${n},` : 'Bonjour,'),
    body: 'Votre identité a été vérifiée. Une lettre recommandée électronique contenant votre code d’activation vous attend.',
    cta: 'Lire la lettre',
    proof: 'L’ouverture de la lettre est horodatée et vaut accusé de réception.',
    expiry: (d: string) => `Le code est valable jusqu’au ${d}.`,
    never: 'Nous ne vous demanderons jamais votre code par téléphone ou par e-mail.',
  },
  en: {
    subject: 'Registered e-letter: activate your digital identity',
    hello: (n?: string) => (n ? `Hello ${n},` : 'Hello,'),
    body: 'Your identity has been verified. A registered electronic letter containing your activation code is waiting for you.',
    cta: 'Read the letter',
    proof: 'Opening the letter is time-stamped and serves as proof of receipt.',
    expiry: (d: string) => `The code is valid until ${d}.`,
    never: 'We will never ask for your code by phone or e-mail.',
  },
} as const;

export interface LetterMailInput {
  lang: Lang;
  firstNames?: string;
  link: string;
  expiresAt: Date;
}

/** The notification e-mail: a link to the letter, never the code. */
export function renderLetterMail(i: LetterMailInput): RenderedMail {
  const t = MAIL[i.lang];
  return renderLetterMailShell({
    lang: i.lang,
    subject: t.subject,
    hello: t.hello(i.firstNames),
    body: t.body,
    cta: { label: t.cta, link: i.link },
    after: [t.proof, t.expiry(fmtDate(i.expiresAt, i.lang))],
    footnote: t.never,
  });
}

const PAGE = {
  fr: {
    title: 'Lettre recommandée électronique',
    hello: (n?: string) => (n ? `Bonjour ${n},` : 'Bonjour,'),
    body: 'Votre identité a été vérifiée. Voici votre code d’activation, à saisir dans l’application :',
    expiry: (d: string) => `Ce code est à usage unique et valable jusqu’au ${d}.`,
    received: (d: string) => `Accusé de réception enregistré le ${d}.`,
    never: 'Ne communiquez ce code à personne.',
    activate: 'Saisir mon code',
    envelope: 'Une lettre recommandée électronique vous attend. L’ouvrir enregistre l’accusé de réception.',
    open: 'Ouvrir ma lettre',
    gone: {
      superseded: 'Cette lettre a été remplacée par une lettre plus récente : utilisez le dernier code reçu.',
      used: 'Votre identité numérique est déjà activée.',
      locked: 'Ce code a été bloqué après trop d’essais erronés. Demandez un nouveau code.',
      expired: 'Ce code a expiré. Demandez un nouveau code.',
    },
  },
  en: {
    title: 'Registered electronic letter',
    hello: (n?: string) => (n ? `Hello ${n},` : 'Hello,'),
    body: 'Your identity has been verified. Here is your activation code, to enter in the app:',
    expiry: (d: string) => `This code can be used once and is valid until ${d}.`,
    received: (d: string) => `Proof of receipt recorded on ${d}.`,
    never: 'Never share this code with anyone.',
    activate: 'Enter my code',
    envelope: 'A registered electronic letter is waiting for you. Opening it records the proof of receipt.',
    open: 'Open my letter',
    gone: {
      superseded: 'This letter has been replaced by a newer one: use the latest code you received.',
      used: 'Your digital identity is already activated.',
      locked: 'This code was locked after too many wrong attempts. Ask for a new code.',
      expired: 'This code has expired. Ask for a new code.',
    },
  },
} as const;

export type LetterState = 'active' | keyof (typeof PAGE)['fr']['gone'];

export interface LetterPageInput {
  lang: Lang;
  firstNames?: string;
  state: LetterState;
  /** Present only when state is active. */
  code?: string;
  expiresAt: Date;
  /** Absent when the letter was never opened (a replaced or closed letter shown without its code). */
  receivedAt?: Date;
  /** The applicant app's activation page for this letter (same origin), linked from an active letter. */
  activateUrl?: string;
}

/** The letter itself (HTML page), with the code when it is still the live one. */
export function renderLetterPage(i: LetterPageInput): string {
  const t = PAGE[i.lang];
  const main =
    i.state === 'active' && i.code
      ? `<p>${esc(t.body)}</p><p class="code" aria-label="code">${esc(i.code)}</p>
<p>${esc(t.expiry(fmtDate(i.expiresAt, i.lang)))}</p><p><strong>${esc(t.never)}</strong></p>${
          i.activateUrl ? `<p><a class="cta" href="${esc(i.activateUrl)}">${esc(t.activate)}</a></p>` : ''
        }`
      : `<p>${esc(t.gone[i.state as keyof typeof t.gone])}</p>`;
  const receipt = i.receivedAt
    ? `<p class="muted">${esc(t.received(fmtDateTime(i.receivedAt, i.lang)))}</p>`
    : '';
  return renderLetterPageShell({
    lang: i.lang,
    title: t.title,
    hello: t.hello(i.firstNames),
    mainHtml: main + receipt,
  });
}

/**
 * The closed letter (GET before the first opening): only a button, whose POST records the receipt. A mail filter
 * that follows the link does not press it, so a link scan is never taken for a reading.
 */
export function renderLetterEnvelope(i: { lang: Lang; firstNames?: string; action: string }): string {
  const t = PAGE[i.lang];
  return renderLetterPageShell({
    lang: i.lang,
    title: t.title,
    hello: t.hello(i.firstNames),
    mainHtml: `<p>${esc(t.envelope)}</p><form method="post" action="${esc(i.action)}"><button type="submit">${esc(t.open)}</button></form>`,
  });
}

export function renderNotFoundPage(): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Lettre introuvable / Letter not found</title></head>
<body style="font-family:sans-serif"><p>Lettre introuvable. / Letter not found.</p></body></html>`;
}

/** The SMS text, carrying the code. Kept under 160 GSM characters. */
export function renderSms(lang: Lang, code: string): string {
  return lang === 'fr'
    ? `Votre code d'activation d'identite numerique : ${code}. Ne le communiquez a personne.`
    : `Your digital identity activation code: ${code}. Never share it with anyone.`;
}
