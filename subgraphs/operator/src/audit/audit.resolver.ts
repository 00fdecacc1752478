import { ConnectionShape, PagedList, Role } from '@marketplace/kit';
import { Args, Authorized, Query, Resolver } from 'type-graphql';
import { AuditRecord, AuditRecordConnection } from './audit-record.type';
import { AuditLogArgs } from './audit.args';
import { AuditService } from './audit.service';
import { checkAuditFilter } from './audit.validation';

@Resolver(() => AuditRecord)
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Authorized(Role.ADMIN)
  @PagedList()
  @Query(() => AuditRecordConnection, {
    nullable: true,
    description:
      'The audit trail of every subgraph, newest first (admin): who did what to which object, from which request. Records are append-only; no operation changes or deletes one. Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT.',
  })
  auditLog(@Args() { filter, ...page }: AuditLogArgs): Promise<ConnectionShape<AuditRecord>> {
    return this.audit.list(checkAuditFilter(filter), page);
  }
}
