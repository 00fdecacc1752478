import {
  PlatformStatsBucketKey,
  ReferenceResolvers,
  RequestContext,
  Role,
  platformStatsBucketStub,
} from '@marketplace/kit';
import { Authorized, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { NewUsersService } from './platform-stats.service';

/** `PlatformStatsBucket` as users knows it: its key; the orders subgraph owns the rest. */
export const PlatformStatsBucket = platformStatsBucketStub();

/** What users adds to each bucket of `platformStats` (admin only, as the root field is). */
@Resolver(() => PlatformStatsBucket)
export class PlatformStatsBucketResolver {
  constructor(private readonly newUsers: NewUsersService) {}

  @Authorized(Role.ADMIN)
  @FieldResolver(() => Int, { description: 'Accounts created (registrations) in the bucket, every role.' })
  newUserCount(@Root() bucket: PlatformStatsBucketKey, @Ctx() context: RequestContext): Promise<number> {
    return this.newUsers.newUsers(context, bucket);
  }
}

/** Every bucket's representation is its key: nothing to look up. */
export const platformStatsBucketReferences: ReferenceResolvers = {
  PlatformStatsBucket: {
    // Keyed by its bounds, not an id: the representation carries them as the DateTime strings orders sent.
    __resolveReference: (reference) => PlatformStatsBucket.of(reference as unknown as { from: string; to: string }),
  },
};
