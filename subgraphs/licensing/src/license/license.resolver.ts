import { isSelfOrAdmin, LicensePolicy, ListSize, RequestContext, ApiKeyScope, ApiKeyScoped } from '@marketplace/kit';
import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ActivationService } from '../activation/activation.service';
import { LicenseValidation } from '../activation/activation.type';
import { DownloadService } from '../download/download.service';
import { Order, Product, User } from '../entity-stubs';
import {
  ActivateLicenseInput,
  CreateDownloadLinkInput,
  DeactivateLicenseInput,
  ValidateLicenseArgs,
} from './license.inputs';
import { ActivateLicensePayload, CreateDownloadLinkPayload, DeactivateLicensePayload } from './license.payloads';
import { LicenseService } from './license.service';
import { Activation, License } from './license.type';

@Resolver(() => License)
export class LicenseResolver {
  constructor(
    private readonly licenses: LicenseService,
    private readonly activationService: ActivationService,
    private readonly downloads: DownloadService,
  ) {}

  @ApiKeyScoped(ApiKeyScope.LICENSES_VALIDATE)
  @Query(() => LicenseValidation, {
    description:
      'Whether a license key may be used on a machine: what a product asks at start-up. Public (no sign-in), limited per client IP. A malformed or tampered key answers INVALID_SIGNATURE, not an error. Errors: BAD_USER_INPUT, RATE_LIMITED.',
  })
  validateLicense(@Args() args: ValidateLicenseArgs, @Ctx() context: RequestContext): Promise<LicenseValidation> {
    return this.activationService.validate(context, args);
  }

  @Authorized()
  @Mutation(() => ActivateLicensePayload, {
    nullable: true,
    description:
      "Activates the signed-in owner's license on a machine; the same machine again changes nothing. FORBIDDEN for another customer's key, NOT_FOUND for a correctly signed key of no license, BAD_USER_INPUT for a key not signed by the marketplace; CONFLICT when every activation slot is taken or the license is no longer ACTIVE. Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, CONFLICT (LICENSE_DISPUTED, LICENSE_EXPIRED, LICENSE_REVOKED, TOO_MANY_ACTIVATIONS).",
  })
  async activateLicense(
    @Arg('input', () => ActivateLicenseInput, { description: 'The license key, the machine and its name.' })
    input: ActivateLicenseInput,
    @Ctx() context: RequestContext,
  ): Promise<ActivateLicensePayload> {
    return Object.assign(new ActivateLicensePayload(), await this.activationService.activate(context, input));
  }

  @Authorized()
  @Mutation(() => DeactivateLicensePayload, {
    nullable: true,
    description:
      "Frees a machine's activation slot (the signed-in owner only); a machine that was not activated changes nothing. Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND.",
  })
  async deactivateLicense(
    @Arg('input', () => DeactivateLicenseInput, { description: 'The license key and the machine.' })
    input: DeactivateLicenseInput,
    @Ctx() context: RequestContext,
  ): Promise<DeactivateLicensePayload> {
    const license = await this.activationService.deactivate(context, input);
    return Object.assign(new DeactivateLicensePayload(), { license });
  }

  @Authorized()
  @Mutation(() => CreateDownloadLinkPayload, {
    nullable: true,
    description:
      "A signed URL to download the product's current build, valid for a few minutes: the owner of an ACTIVE license only, once the vendor uploaded a build. Another customer's license is NOT_FOUND (as a missing one), an admin's request FORBIDDEN. Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, CONFLICT (LICENSE_DISPUTED, LICENSE_EXPIRED, LICENSE_REVOKED, NO_ARTIFACT).",
  })
  async createDownloadLink(
    @Arg('input', () => CreateDownloadLinkInput, { description: 'The license to download with.' })
    input: CreateDownloadLinkInput,
    @Ctx() context: RequestContext,
  ): Promise<CreateDownloadLinkPayload> {
    return Object.assign(new CreateDownloadLinkPayload(), await this.downloads.createLink(context, input.licenseId));
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
