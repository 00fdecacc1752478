import { isSelfOrAdmin, LicensePolicy, ListSize, PageArgs, PagedList, RequestContext } from '@marketplace/kit';
import { Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ActivationService } from '../activation/activation.service';
import { LicenseValidation } from '../activation/activation.type';
import { DownloadService } from '../download/download.service';
import { DownloadLink } from '../download/download.type';
import { Order, Product, User } from '../entity-stubs';
import { ActivateLicenseArgs, DeactivateLicenseArgs, LicenseIdArgs, ValidateLicenseArgs } from './license.args';
import { LicenseService } from './license.service';
import { Activation, License, LicenseConnection } from './license.type';

@Resolver(() => License)
export class LicenseResolver {
  constructor(
    private readonly licenses: LicenseService,
    private readonly activationService: ActivationService,
    private readonly downloads: DownloadService,
  ) {}

  @Authorized()
  @PagedList()
  @Query(() => LicenseConnection, { description: "The signed-in user's licenses, newest first." })
  myLicenses(@Args() page: PageArgs, @Ctx() context: RequestContext) {
    return this.licenses.list(context, context.viewer!.id, page);
  }

  @Query(() => LicenseValidation, {
    description:
      'Whether a key may be used on a machine: what a product asks at start-up. Public (no sign-in), limited per client IP (RATE_LIMITED). A malformed or tampered key is INVALID_SIGNATURE.',
  })
  validateLicense(
    @Args() { key, fingerprint }: ValidateLicenseArgs,
    @Ctx() context: RequestContext,
  ): Promise<LicenseValidation> {
    return this.activationService.validate(context, key, fingerprint);
  }

  @Authorized()
  @Mutation(() => License, {
    description:
      "Activates the signed-in owner's license on a machine; the same machine again changes nothing. CONFLICT (reason TOO_MANY_ACTIVATIONS) when every slot is taken, or when the license is not ACTIVE; FORBIDDEN for another customer's key.",
  })
  activateLicense(
    @Args() { key, fingerprint, label }: ActivateLicenseArgs,
    @Ctx() context: RequestContext,
  ): Promise<License> {
    return this.activationService.activate(context, key, fingerprint, label);
  }

  @Authorized()
  @Mutation(() => License, {
    description:
      "Frees a machine's activation slot (the signed-in owner only); a machine that was not activated changes nothing.",
  })
  deactivateLicense(
    @Args() { key, fingerprint }: DeactivateLicenseArgs,
    @Ctx() context: RequestContext,
  ): Promise<License> {
    return this.activationService.deactivate(context, key, fingerprint);
  }

  @Authorized()
  @Mutation(() => DownloadLink, {
    description:
      "A signed URL to download the product's current build, valid for a few minutes: the owner of an ACTIVE license only, once the vendor uploaded a build.",
  })
  createDownloadLink(@Args() { licenseId }: LicenseIdArgs, @Ctx() context: RequestContext): Promise<DownloadLink> {
    return this.downloads.createLink(context, licenseId);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'The signed license key (`MP1.…`): for its owner and admins only, null for anyone else.',
  })
  key(@Root() license: License, @Ctx() context: RequestContext): string | null {
    const viewer = context.viewer;
    return isSelfOrAdmin(viewer, license.ownerId) ? license.licenseKey : null;
  }

  @FieldResolver(() => Product, { description: 'The product the license is for.' })
  product(@Root() license: License): Product {
    return Product.of(license.productId);
  }

  @FieldResolver(() => Order, { description: 'The order whose line the license was issued for.' })
  order(@Root() license: License): Order {
    return Order.of(license.orderId);
  }

  @FieldResolver(() => User, { description: 'The customer who owns the license.' })
  owner(@Root() license: License): User {
    return User.of(license.ownerId);
  }

  @ListSize(LicensePolicy.defaultMaxActivations)
  @FieldResolver(() => [Activation], { description: 'The machines the license is activated on, oldest first.' })
  activations(@Root() license: License, @Ctx() context: RequestContext): Promise<Activation[]> {
    return this.licenses.activationsByLicenseId(context).load(license.id);
  }
}
