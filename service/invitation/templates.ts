// The invitation e-letter (FR/EN): the mail (HTML + text) carries only a link to read the letter; the letter
// page has the "Confirm my identity" button (a POST: link scanners that GET the page record nothing).
import type { Lang } from '../cases/index.js';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const fmtDate = (d: Date, lang: Lang) =>
  new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'long',
    timeZone: 'Europe/Paris',
  }).format(d);

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

export function renderInvitationMail(i: { lang: Lang; firstNames: string; link: string; expiresAt: Date }) {
  const t = T[i.lang];
  const until = t.until(fmtDate(i.expiresAt, i.lang));
  const text = [
    t.hello(i.firstNames),
    '',
    t.mailBody,
    '',
    `${t.read} : ${i.link}`,
    '',
    until,
    '',
    t.ignore,
  ].join('\n');
  const html = `<!doctype html><html lang="${i.lang}"><body style="font-family:sans-serif;max-width:36em">
<p>${esc(t.hello(i.firstNames))}</p><p>${esc(t.mailBody)}</p>
<p><a href="${esc(i.link)}" style="display:inline-block;padding:.7em 1.2em;background:#1d3b8b;color:#fff;text-decoration:none;border-radius:6px;font-weight:600">${esc(t.read)}</a></p>
<p>${esc(until)}</p><p style="color:#555">${esc(t.ignore)}</p></body></html>`;
  return { subject: t.subject, text, html };
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
  const main = i.valid
    ? `<p>${esc(t.pageBody)}</p><form method="post" action="${esc(i.action)}"><button type="submit">${esc(t.confirm)}</button></form><p class="muted">${esc(t.proof)}</p>`
    : `<p>${esc(t.gone)}</p>`;
  return `<!doctype html><html lang="${i.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><link rel="icon" href="data:,"><meta name="referrer" content="no-referrer"><title>${esc(t.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:0 auto;padding:1.5em 1.1em;color:#1a1a2e;line-height:1.5}h1{font-size:1.5em}button{font:inherit;font-weight:600;min-height:48px;width:100%;max-width:22em;padding:0 1.2em;border:0;border-radius:10px;background:#1d3b8b;color:#fff;cursor:pointer}button:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}.muted{color:#4a4f5c;font-size:.95em}</style>
</head><body><main><h1>${esc(t.title)}</h1><p>${esc(t.hello(i.firstNames))}</p>${main}</main></body></html>`;
}
