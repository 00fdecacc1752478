import { type RequestContext, ViewerDependent } from '@marketplace/kit';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { LicenseService } from '../license/license.service';
import { License } from '../license/license.type';
import { Product } from '../entity-stubs';

/** What licensing adds to the catalog's `Product`: the signed-in viewer's license of it. */
@Resolver(() => Product)
export class ProductViewerLicenseResolver {
  constructor(private readonly licenseService: LicenseService) {}

  // Per viewer: never part of an answer a gateway shares (maxAge 0), and a per-request loader.
  @ViewerDependent()
  @FieldResolver(() => License, {
    nullable: true,
    description:
      "The signed-in viewer's license of this product: an ACTIVE one if they have one, else the most recently issued; null when signed out or they have none.",
  })
  viewerLicense(@Root() product: Product, @Ctx() context: RequestContext): Promise<License | null> {
    return this.licenseService.viewerLicenseByProductId(context).load(product.id);
  }
}
