import { randomBytes } from 'node:crypto';
import escapeHtml from 'escape-html';
import type { Express, Request, Response } from 'express';
import { Mailbox, ReceivedMail, routeErrorBody } from '@marketplace/kit';

/**
 * The development mailbox: every mail `npm start`'s SMTP sink received, like Mailpit's UI.
 * Mounted only when the gateway is given a mailbox, and never in production.
 */
export const DEV_MAIL_PATH = '/dev/mail';

/** The sink's ids are UUIDs: anything else is no mail, answered before the mailbox is asked. */
const MAIL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NONCE_BYTES = 16;

/** What the list answers in JSON: enough to find a mail, not its body. */
export function mailSummary(mail: ReceivedMail) {
  const { id, from, to, subject, date, receivedAt, size } = mail;
  return { id, from, to, subject, date, receivedAt, size };
}

export function mountDevMailbox(app: Express, mailbox: Mailbox): void {
  const found = (req: Request, res: Response): ReceivedMail | undefined => {
    const id = String(req.params.id);
    const mail = MAIL_ID.test(id) ? mailbox.get(id) : undefined;
    if (!mail) res.status(404).json(routeErrorBody('No such mail', 'NOT_FOUND'));
    return mail;
  };

  app.get(DEV_MAIL_PATH, (req, res) => {
    const mails = mailbox.list();
    if (wantsJson(req)) return void noStore(res).json({ mails: mails.map(mailSummary) });
    const nonce = randomBytes(NONCE_BYTES).toString('base64');
    pageHeaders(res, nonce).type('html').send(listPage(mails, nonce));
  });

  app.get(`${DEV_MAIL_PATH}/:id`, (req, res) => {
    const mail = found(req, res);
    if (!mail) return;
    if (wantsJson(req)) return void noStore(res).json(mail);
    const nonce = randomBytes(NONCE_BYTES).toString('base64');
    pageHeaders(res, nonce).type('html').send(previewPage(mail, nonce));
  });

  // The mail's own HTML, for the preview's iframe. It is hostile until proven otherwise: the
  // CSP `sandbox` directive runs it in an opaque origin without scripts, forms or popups even
  // when opened directly, and it may load nothing from anywhere (no tracking pixels either).
  app.get(`${DEV_MAIL_PATH}/:id/html`, (req, res) => {
    const mail = found(req, res);
    if (!mail) return;
    if (mail.html === undefined)
      return void res.status(404).json(routeErrorBody('This mail has no HTML part', 'NOT_FOUND'));
    noStore(res)
      .setHeader(
        'content-security-policy',
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
      )
      // Framed by the preview page only (helmet's DENY would blank the iframe).
      .setHeader('x-frame-options', 'SAMEORIGIN')
      .type('html')
      .send(mail.html);
  });

  app.get(`${DEV_MAIL_PATH}/:id/raw`, (req, res) => {
    const mail = found(req, res);
    const raw = mail && mailbox.raw(mail.id);
    if (!raw) return;
    noStore(res).setHeader('content-disposition', 'inline').type('text/plain; charset=utf-8').send(raw);
  });
}

function wantsJson(req: Request): boolean {
  return req.accepts(['text/html', 'application/json']) === 'application/json';
}

function noStore(res: Response): Response {
  return res.setHeader('cache-control', 'no-store');
}

/** Helmet's headers stay; the page's CSP allows its own nonce'd styles and, for the preview, a same-origin iframe. */
function pageHeaders(res: Response, nonce: string): Response {
  return noStore(res).setHeader(
    'content-security-policy',
    [
      "default-src 'none'",
      `style-src 'nonce-${nonce}'`,
      "frame-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
  );
}

const STYLE = `body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
th { background: #f4f4f4; }
a { color: #0550ae; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
iframe { width: 100%; height: 32rem; border: 1px solid #ccc; }
pre { white-space: pre-wrap; background: #f8f8f8; padding: .8rem; border: 1px solid #eee; }`;

function page(title: string, body: string, nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

const shownDate = (mail: ReceivedMail) => mail.date ?? mail.receivedAt;

function listPage(mails: ReceivedMail[], nonce: string): string {
  const rows = mails.map(
    (mail) =>
      `<tr><td>${escapeHtml(mail.to.join(', '))}</td><td><a href="${DEV_MAIL_PATH}/${mail.id}">${escapeHtml(mail.subject || '(no subject)')}</a></td><td><time>${escapeHtml(shownDate(mail))}</time></td></tr>`,
  );
  const body = mails.length
    ? `<table><thead><tr><th>To</th><th>Subject</th><th>Date</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`
    : '<p>No mail yet. Mail the supergraph sends in development arrives here.</p>';
  return page(
    'Development mailbox',
    `<h1>Development mailbox</h1>\n<p>${mails.length} mail(s), newest first. Reload to see new ones.</p>\n${body}`,
    nonce,
  );
}

function previewPage(mail: ReceivedMail, nonce: string): string {
  const base = `${DEV_MAIL_PATH}/${mail.id}`;
  const field = (name: string, value: string) => `<dt>${name}</dt><dd>${escapeHtml(value)}</dd>`;
  const html =
    mail.html === undefined
      ? '<p>No HTML part.</p>'
      : // No sandbox token: no scripts, no forms, no same-origin access, no navigation of this page.
        `<iframe sandbox src="${base}/html" referrerpolicy="no-referrer" title="HTML part"></iframe>`;
  return page(
    mail.subject || '(no subject)',
    `<p><a href="${DEV_MAIL_PATH}">← All mail</a> · <a href="${base}/raw">Raw source</a></p>
<h1>${escapeHtml(mail.subject || '(no subject)')}</h1>
<dl>${field('From', mail.from)}${field('To', mail.to.join(', '))}${field('Date', shownDate(mail))}${field('Envelope', `${mail.envelope.from ?? ''} → ${mail.envelope.to.join(', ')}`)}</dl>
<h2>HTML</h2>
${html}
<h2>Text</h2>
<pre>${escapeHtml(mail.text ?? '(no text part)')}</pre>`,
    nonce,
  );
}
