import { PageArgs, PagedList, RequestContext } from '@marketplace/kit';
import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { LicenseService } from '../license/license.service';
import { LicenseConnection } from '../license/license.type';
import { User } from '../entity-stubs';

/** What licensing adds to the users subgraph's `User` (the viewer's own: `me { licenses }`). */
@Resolver(() => User)
export class UserLicensesResolver {
  constructor(private readonly licenseService: LicenseService) {}

  // Nullable: a refusal here must not null the whole user other subgraphs contributed to.
  @PagedList()
  @FieldResolver(() => LicenseConnection, {
    nullable: true,
    description:
      "The user's licenses, newest first: for the user (`me { licenses }`) and admins; UNAUTHENTICATED or FORBIDDEN (field null) for anyone else.",
  })
  licenses(@Root() user: User, @Args() page: PageArgs, @Ctx() context: RequestContext) {
    return this.licenseService.list(context, user.id, page);
  }
}
