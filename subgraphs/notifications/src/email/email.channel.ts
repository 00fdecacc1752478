import type { MailOutbox } from '@marketplace/kit';
import type { EntityManager } from 'typeorm';
import { MailData, MailKind, renderTemplate } from '../mail-templates/mail-templates';
import { NotificationKind, categoryOf, isTransactional } from '../notification/notification.catalog';
import type { PreferenceService } from '../preference/preference.service';
import type { RecipientService } from '../recipient/recipient.service';
import type { UnsubscribeLinks } from './unsubscribe.links';

/** What a template needs beyond the recipient's own name, which the channel looks up. */
type Impersonal<T> = Omit<T, 'displayName'>;

/** The mail of a notification: a template and its data. */
export type MailRequest = { [K in MailKind]: { template: K; data: Impersonal<MailData<K>> } }[MailKind];

export const mail = <K extends MailKind>(template: K, data: Impersonal<MailData<K>>): MailRequest =>
  ({ template, data }) as MailRequest;

/** What every mail shares: the marketplace's name and the web app's address. */
export interface EmailBrand {
  appName: string;
  appUrl: string;
}

/**
 * The email channel: renders a notification's template for its recipient and queues it in the
 * event's transaction (the kit's mail outbox), once per (event, recipient, kind) whatever
 * redelivers. Nothing for a recipient not known here or erased, or who turned the category's
 * email off; a mail the recipient may turn off carries RFC 8058 one-click unsubscribe headers
 * and a link in its footer.
 */
export class EmailChannel {
  constructor(
    private readonly outbox: MailOutbox,
    private readonly preferences: PreferenceService,
    private readonly recipients: RecipientService,
    private readonly unsubscribe: UnsubscribeLinks,
    private readonly brand: EmailBrand,
  ) {}

  /** Queues the mail; answers whether one was queued now. */
  async queue(
    manager: EntityManager,
    sourceEventId: string,
    recipientId: string,
    kind: NotificationKind,
    request: MailRequest,
  ): Promise<boolean> {
    const category = categoryOf(kind);
    if (!(await this.preferences.enabled(manager, recipientId, category, 'email'))) return false;
    const contact = await this.recipients.contact(manager, recipientId);
    if (!contact) return false;
    const unsubscribeUrl = isTransactional(category) ? undefined : this.unsubscribe.urlFor(recipientId, category);
    const rendered = await renderTemplate(
      request.template,
      { ...request.data, displayName: contact.displayName },
      { ...this.brand, unsubscribeUrl },
    );
    return this.outbox.enqueue(manager, {
      dedupeKey: `${sourceEventId}:${recipientId}:${kind}`,
      kind: request.template,
      recipientId,
      to: contact.email,
      ...rendered,
      headers: {
        'X-Marketplace-Mail': request.template,
        ...(unsubscribeUrl && {
          'List-Unsubscribe': `<${unsubscribeUrl}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        }),
      },
    });
  }
}
