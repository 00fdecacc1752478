import type { EntityManager } from 'typeorm';
import type { EmailChannel, MailRequest } from '../email/email.channel';
import type { RecipientService } from '../recipient/recipient.service';
import type { NotificationKind } from './notification.catalog';
import type { NotificationDraft, NotificationService } from './notification.service';

/**
 * What the handlers tell people through: the in-app notification and its email, each on the
 * recipient's preferences, both in the event's transaction. The email channel is absent
 * without SMTP (outside production).
 */
export class Notifier {
  constructor(
    private readonly inbox: NotificationService,
    private readonly email: EmailChannel | undefined,
    private readonly recipients: RecipientService,
  ) {}

  /** The same notification (and mail) to every admin who may act now. */
  async sendToAdmins(
    manager: EntityManager,
    sourceEventId: string,
    draft: Omit<NotificationDraft, 'recipientId'>,
    mail?: MailRequest,
  ) {
    for (const adminId of await this.recipients.admins(manager))
      await this.send(manager, sourceEventId, { ...draft, recipientId: adminId }, mail);
  }

  async send(manager: EntityManager, sourceEventId: string, draft: NotificationDraft, mail?: MailRequest) {
    await this.inbox.create(manager, sourceEventId, draft);
    if (mail) await this.mail(manager, sourceEventId, draft.recipientId, draft.kind, mail);
  }

  /** An email without an in-app notification of its own (the receipt, once its licenses exist). */
  async mail(
    manager: EntityManager,
    sourceEventId: string,
    recipientId: string,
    kind: NotificationKind,
    mail: MailRequest,
  ) {
    await this.email?.queue(manager, sourceEventId, recipientId, kind, mail);
  }
}
