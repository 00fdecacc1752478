import type { AuditAction } from '@marketplace/kit';
import { Field, ID, InputType } from 'type-graphql';
import { AuditActionEnum } from './audit-record.type';

@InputType({ description: 'Which audit records a list holds; every field given must match.' })
export class AuditLogFilter {
  @Field(() => ID, { nullable: true, description: 'Only records of changes this user made (a `User` id).' })
  actorId?: string | null;

  @Field(() => String, { nullable: true, description: 'Only records about objects of this type, e.g. `Payout`.' })
  targetType?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Only records about this object: its global id (`Payout:<uuid>`, which also sets the type), or the id as a record's `targetId` shows it.",
  })
  targetId?: string | null;

  @Field(() => AuditActionEnum, { nullable: true, description: 'Only records of this action.' })
  action?: AuditAction | null;

  @Field(() => Date, { nullable: true, description: 'Only changes at or after this time.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only changes before this time (exclusive).' })
  to?: Date | null;
}
