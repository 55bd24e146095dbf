// The invitation e-letter (FR/EN): the mail (HTML + text) carries only a link to read the letter; the letter
// page has the "Confirm my identity" button (a POST: link scanners that GET the page record nothing).
import type { Lang } from '../cases/index.js';
import {
  esc,
  fmtDate,
  renderLetterMailShell,
  renderLetterPageShell,
  type RenderedMail,
} from '../shared/letter-shell.js';

const T = {
  fr: {
    subject: 'Lettre recommandée électronique : confirmez votre identité',
    hello: (n: string) => (n ? `Bonjour ${n},` : 'Bonjour,'),
    mailBody:
      'Vous avez reçu une lettre recommandée électronique. Ouvrez-la pour confirmer votre identité en ligne.',
    read: 'Lire mon courrier',
    until: (d: string) => `Ce lien est valable jusqu’au ${d}.`,
    ignore: 'Si vous n’êtes pas à l’origine de cette demande, ignorez ce message.',
    title: 'Lettre recommandée électronique',
    pageBody:
      'Pour finaliser votre demande d’identité numérique, confirmez votre identité en ligne : photographiez votre pièce d’identité puis enregistrez une courte vidéo. Cela prend environ 5 minutes.',
    confirm: 'Confirmer mon identité',
    proof: 'En cliquant, vous accusez réception de cette lettre.',
    sms: (link: string) => `Identite numerique : confirmez votre identite en ligne. Votre lettre : ${link}`,
    gone: 'Cette lettre n’est plus valable : demandez une nouvelle invitation.',
  },
  en: {
    subject: 'Registered electronic letter: confirm your identity',
    hello: (n: string) => (n ? `Hello ${n},` : 'Hello,'),
    mailBody: 'You have received a registered electronic letter. Open it to confirm your identity online.',
    read: 'Read my letter',
    until: (d: string) => `This link is valid until ${d}.`,
    ignore: 'If you did not ask for this, ignore this message.',
    title: 'Registered electronic letter',
    pageBody:
      'To complete your digital identity request, confirm your identity online: photograph your ID document, then record a short video. It takes about 5 minutes.',
    confirm: 'Confirm my identity',
    proof: 'By clicking, you acknowledge receipt of this letter.',
    sms: (link: string) => `Digital identity: confirm your identity online. Your letter: ${link}`,
    gone: 'This letter is no longer valid: ask for a new invitation.',
  },
} as const;

export function renderInvitationMail(i: {
  lang: Lang;
  firstNames: string;
  link: string;
  expiresAt: Date;
}): RenderedMail {
  const t = T[i.lang];
  return renderLetterMailShell({
    lang: i.lang,
    subject: t.subject,
    hello: t.hello(i.firstNames),
    body: t.mailBody,
    cta: { label: t.read, link: i.link },
    after: [t.until(fmtDate(i.expiresAt, i.lang))],
    footnote: t.ignore,
  });
}

export function renderInvitationSms(lang: Lang, link: string): string {
  return T[lang].sms(link);
}

export function renderInvitationPage(i: {
  lang: Lang;
  firstNames: string;
  action: string;
  valid: boolean;
}): string {
  const t = T[i.lang];
  const mainHtml = i.valid
    ? `<p>${esc(t.pageBody)}</p><form method="post" action="${esc(i.action)}"><button type="submit">${esc(t.confirm)}</button></form><p class="muted">${esc(t.proof)}</p>`
    : `<p>${esc(t.gone)}</p>`;
  return renderLetterPageShell({ lang: i.lang, title: t.title, hello: t.hello(i.firstNames), mainHtml });
}
