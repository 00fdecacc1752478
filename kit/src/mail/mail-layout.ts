import escapeHtml from 'escape-html';
import mjml2html from 'mjml';

// Reached as `@marketplace/kit/mail-layout`, never through the kit's index: mjml brings about
// 190 packages, loaded only by the processes that render mail.

/**
 * What one email says, as blocks: the HTML part (through MJML, responsive in every mail
 * client) and the plain-text part are both rendered from it, so they cannot drift apart.
 * Every string is plain text; the layout escapes it, so a product name or a rejection
 * reason can never inject markup.
 */
export interface MailContent {
  subject: string;
  /** The line mail clients show after the subject in the inbox. */
  preheader: string;
  greeting: string;
  paragraphs: string[];
  /** Labelled values (an order number, an amount, a reason). */
  details?: { label: string; value: string }[];
  /** Rows of a table, first row as headers (an order's lines, their license keys). */
  table?: string[][];
  /** The one thing to do next, as a button (HTML) or a link line (text). */
  action?: { label: string; url: string };
  /** Shown under the action, e.g. where else the link leads or how long it works. */
  afterAction?: string[];
}

/** What every mail shares: the marketplace's name, where it lives, and how to stop non-transactional mail. */
export interface MailBrand {
  appName: string;
  appUrl: string;
  /** Set for mail a recipient may turn off (RFC 8058 one-click link); transactional mail has none. */
  unsubscribeUrl?: string;
}

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

const FONT = 'Helvetica, Arial, sans-serif';
const TEXT_COLOR = '#1f2933';
const MUTED_COLOR = '#616e7c';
const ACCENT_COLOR = '#3949ab';

/** The HTML and text parts of one mail. MJML refuses what it cannot render (strict validation). */
export async function renderMail(content: MailContent, brand: MailBrand): Promise<RenderedMail> {
  const { html, errors } = await mjml2html(mjmlOf(content, brand), { validationLevel: 'strict' });
  if (errors.length > 0) throw new Error(`mail layout is invalid: ${errors.map((e) => e.formattedMessage).join('; ')}`);
  return { subject: oneLine(content.subject), html, text: textOf(content, brand) };
}

function mjmlOf(content: MailContent, brand: MailBrand): string {
  const text = (value: string, attributes = '') => `<mj-text${attributes}>${escapeHtml(value)}</mj-text>`;
  const blocks = [
    text(content.greeting),
    ...content.paragraphs.map((paragraph) => text(paragraph)),
    ...(content.details?.length
      ? [
          `<mj-table>${content.details
            .map(
              ({ label, value }) =>
                `<tr><td style="padding:4px 12px 4px 0;color:${MUTED_COLOR}">${escapeHtml(label)}</td><td style="padding:4px 0">${escapeHtml(value)}</td></tr>`,
            )
            .join('')}</mj-table>`,
        ]
      : []),
    ...(content.table?.length
      ? [
          `<mj-table>${content.table
            .map(
              (row, index) =>
                `<tr>${row
                  .map((cell) =>
                    index === 0
                      ? `<th align="left" style="padding:6px 8px;border-bottom:1px solid #cbd2d9">${escapeHtml(cell)}</th>`
                      : `<td style="padding:6px 8px;border-bottom:1px solid #e4e7eb">${escapeHtml(cell)}</td>`,
                  )
                  .join('')}</tr>`,
            )
            .join('')}</mj-table>`,
        ]
      : []),
    ...(content.action
      ? [
          `<mj-button href="${escapeHtml(content.action.url)}" background-color="${ACCENT_COLOR}" align="left">${escapeHtml(content.action.label)}</mj-button>`,
        ]
      : []),
    ...(content.afterAction ?? []).map((line) => text(line, ` color="${MUTED_COLOR}" font-size="13px"`)),
  ];
  const footer = [
    `<mj-text color="${MUTED_COLOR}" font-size="12px">${escapeHtml(brand.appName)} · <a href="${escapeHtml(brand.appUrl)}" style="color:${MUTED_COLOR}">${escapeHtml(brand.appUrl)}</a></mj-text>`,
    ...(brand.unsubscribeUrl
      ? [
          `<mj-text color="${MUTED_COLOR}" font-size="12px"><a href="${escapeHtml(brand.unsubscribeUrl)}" style="color:${MUTED_COLOR}">Unsubscribe from these emails</a></mj-text>`,
        ]
      : []),
  ];
  return `<mjml>
  <mj-head>
    <mj-title>${escapeHtml(oneLine(content.subject))}</mj-title>
    <mj-preview>${escapeHtml(content.preheader)}</mj-preview>
    <mj-attributes><mj-all font-family="${FONT}" /><mj-text color="${TEXT_COLOR}" font-size="15px" line-height="22px" /></mj-attributes>
  </mj-head>
  <mj-body background-color="#f5f7fa">
    <mj-section><mj-column><mj-text font-size="18px" font-weight="bold">${escapeHtml(brand.appName)}</mj-text></mj-column></mj-section>
    <mj-section background-color="#ffffff"><mj-column>${blocks.join('\n')}</mj-column></mj-section>
    <mj-section><mj-column>${footer.join('\n')}</mj-column></mj-section>
  </mj-body>
</mjml>`;
}

/** The plain-text part: the same blocks, links written out. */
function textOf(content: MailContent, brand: MailBrand): string {
  const lines = [content.greeting, '', ...content.paragraphs.flatMap((paragraph) => [paragraph, ''])];
  if (content.details?.length) {
    const width = Math.max(...content.details.map(({ label }) => label.length));
    lines.push(...content.details.map(({ label, value }) => `${`${label}:`.padEnd(width + 2)}${value}`), '');
  }
  if (content.table?.length) {
    const [headers, ...rows] = content.table;
    for (const row of rows) lines.push(row.map((cell, i) => `${headers[i]}: ${cell}`).join(' · '));
    lines.push('');
  }
  if (content.action) lines.push(`${content.action.label}: ${content.action.url}`, '');
  if (content.afterAction?.length) lines.push(...content.afterAction, '');
  lines.push('--', `${brand.appName} · ${brand.appUrl}`);
  if (brand.unsubscribeUrl) lines.push(`Unsubscribe from these emails: ${brand.unsubscribeUrl}`);
  return `${lines.join('\n')}\n`;
}

/** A header value on one line: a newline in a subject would start a header of its own. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').trim();
}

/** A link into the web app: `APP_URL` (which may have a path of its own) plus `path`, with the query encoded. */
export function appLink(appUrl: string, path: string, query: Record<string, string> = {}): string {
  const url = new URL(path.replace(/^\/+/, ''), appUrl.endsWith('/') ? appUrl : `${appUrl}/`);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url.toString();
}
