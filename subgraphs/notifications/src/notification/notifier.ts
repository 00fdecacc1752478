import type { EntityManager } from 'typeorm';
import type { EmailChannel, MailRequest } from '../email/email.channel';
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
  ) {}

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
