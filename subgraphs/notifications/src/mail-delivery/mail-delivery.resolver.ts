import { ConnectionShape, PagedList, Role } from '@marketplace/kit';
import { Args, Authorized, Query, Resolver } from 'type-graphql';
import { MailDeliveriesArgs } from './mail-delivery.args';
import { MailDeliveryService, checkMailDeliveryFilter } from './mail-delivery.service';
import { MailDelivery, MailDeliveryConnection } from './mail-delivery.type';

@Resolver(() => MailDelivery)
export class MailDeliveryResolver {
  constructor(private readonly deliveries: MailDeliveryService) {}

  @Authorized(Role.ADMIN)
  @PagedList()
  @Query(() => MailDeliveryConnection, {
    nullable: true,
    description:
      "Every email queued for a notification, newest first (admin): to whom, from which template, and where its delivery stands, with the SMTP server's answer to a failed one. Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT.",
  })
  mailDeliveries(@Args() { filter, ...page }: MailDeliveriesArgs): Promise<ConnectionShape<MailDelivery>> {
    return this.deliveries.list(checkMailDeliveryFilter(filter), page);
  }
}
