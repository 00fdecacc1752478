import type { RequestContext } from '@marketplace/kit';
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { CreateArtifactUploadInput } from './artifact.inputs';
import { CreateArtifactUploadPayload } from './artifact.payloads';
import type { ArtifactService } from './artifact.service';
import { ArtifactUpload } from './artifact.type';

@Resolver(() => ArtifactUpload)
export class ArtifactResolver {
  constructor(private readonly artifacts: ArtifactService) {}

  @Authorized()
  @Mutation(() => CreateArtifactUploadPayload, {
    nullable: true,
    description:
      "A signed URL to PUT a new build of your product to (its vendor only, not while suspended, not for an archived product). The upload replaces the product's current artifact; earlier builds stay available to their buyers. Errors: UNAUTHENTICATED, FORBIDDEN (VENDOR_SUSPENDED), BAD_USER_INPUT, NOT_FOUND, CONFLICT (PRODUCT_ARCHIVED, VERSION_EXISTS).",
  })
  createArtifactUpload(
    @Arg('input', () => CreateArtifactUploadInput, {
      description: 'The product and the version of the build to upload.',
    })
    input: CreateArtifactUploadInput,
    @Ctx() context: RequestContext,
  ): Promise<CreateArtifactUploadPayload> {
    return this.artifacts.createUpload(context, input.productId, input.version);
  }
}
