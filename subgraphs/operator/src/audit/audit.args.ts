import { FilteredPageArgs } from '@marketplace/kit';
import { ArgsType, Field } from 'type-graphql';
import { AuditLogFilter } from './audit.inputs';

@ArgsType()
class AuditLogFilterArgs {
  @Field(() => AuditLogFilter, { nullable: true, description: 'Which records to list; all when omitted.' })
  filter?: AuditLogFilter | null;
}

@ArgsType()
export class AuditLogArgs extends FilteredPageArgs(AuditLogFilterArgs) {}
