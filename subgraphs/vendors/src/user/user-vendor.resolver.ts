import { RequestContext, ViewerDependent } from '@marketplace/kit';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Vendor } from '../vendor-account/vendor.entity';
import { VendorService } from '../vendor-account/vendor.service';
import { User } from '../entity-stubs';

/** What this subgraph adds to the users subgraph's `User`. */
@Resolver(() => User)
export class UserVendorResolver {
  constructor(private readonly vendorService: VendorService) {}

  @ViewerDependent()
  @FieldResolver(() => Vendor, {
    nullable: true,
    description:
      "The user's vendor profile: shown to everyone when ACTIVE, in any status to the user and admins (`me { vendor }` is the signed-in user's own, whatever its status); null when there is none to show.",
  })
  vendor(@Root() user: User, @Ctx() context: RequestContext): Promise<Vendor | null> {
    return this.vendorService.ofUser(context, user.id);
  }
}
