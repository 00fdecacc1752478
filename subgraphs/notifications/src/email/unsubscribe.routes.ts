import escapeHtml from 'escape-html';
import type { Express, Request, Response } from 'express';
import { Logger, requestIdFrom } from '@marketplace/kit';
import { NOTIFICATION_CATEGORIES } from '../notification/notification.catalog';
import type { PreferenceService } from '../preference/preference.service';
import { UNSUBSCRIBE_PATH, UnsubscribeLinks } from './unsubscribe.links';

// The page holds a token in its URL: no referrer, no cache, no script, no framing.
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
};

function page(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .set(PAGE_HEADERS)
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<title>${escapeHtml(title)}</title></head><body style="font-family:Helvetica,Arial,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1f2933">` +
        `<h1 style="font-size:1.4rem">${escapeHtml(title)}</h1>${body}</body></html>`,
    );
}

const invalid = (res: Response) =>
  page(
    res,
    400,
    'This unsubscribe link does not work',
    '<p>It may be incomplete or too old. Change which emails you receive in your notification settings.</p>',
  );

/**
 * One-click unsubscribe (RFC 8058), reached through the gateway's REST edge. `POST` (what a
 * mail client sends for `List-Unsubscribe-Post: List-Unsubscribe=One-Click`, and the form
 * below) turns the link's category off for email at once; `GET` (the footer link, opened in a
 * browser) only shows that form, because link scanners fetch every URL of a mail and must
 * not unsubscribe anyone.
 */
export function unsubscribeRoutes(links: UnsubscribeLinks, preferences: PreferenceService, log: Logger) {
  return (app: Express): void => {
    app.get(`${UNSUBSCRIBE_PATH}/:token`, (req: Request<{ token: string }>, res: Response) => {
      const target = links.read(req.params.token);
      if (!target) return invalid(res);
      const what = NOTIFICATION_CATEGORIES[target.category].description.split(':')[0];
      page(
        res,
        200,
        'Unsubscribe from these emails?',
        `<p>You will no longer receive emails about: ${escapeHtml(what)}. You will still see them in the app, and receipts and security emails always reach you.</p>` +
          `<form method="post"><button type="submit" name="List-Unsubscribe" value="One-Click" style="padding:.6rem 1.2rem">Unsubscribe</button></form>`,
      );
    });

    app.post(`${UNSUBSCRIBE_PATH}/:token`, async (req: Request<{ token: string }>, res: Response) => {
      const target = links.read(req.params.token);
      if (!target) return invalid(res);
      try {
        await preferences.unsubscribe(target.userId, target.category);
        page(
          res,
          200,
          'You are unsubscribed',
          '<p>No more emails of this kind will be sent to you. You can turn them on again in your notification settings.</p>',
        );
      } catch (error) {
        log.error({ err: error, requestId: requestIdFrom(req.headers) }, 'unsubscribe failed');
        page(
          res,
          503,
          'Please try again',
          '<p>We could not record your choice just now. Please try again in a minute.</p>',
        );
      }
    });
  };
}
