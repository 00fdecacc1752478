import type { RequestContext } from '@marketplace/kit';
import { Args, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { CreateArtifactUploadArgs } from './artifact.args';
import type { ArtifactService } from './artifact.service';
import { ArtifactUpload } from './artifact.type';

@Resolver(() => ArtifactUpload)
export class ArtifactResolver {
  constructor(private readonly artifacts: ArtifactService) {}

  @Authorized()
  @Mutation(() => ArtifactUpload, {
    description:
      "A signed URL to PUT a new build of your product to (its vendor only, not while suspended, not for an archived product). The upload replaces the product's current artifact; earlier builds stay available to their buyers.",
  })
  createArtifactUpload(
    @Args() { productId, version }: CreateArtifactUploadArgs,
    @Ctx() context: RequestContext,
  ): Promise<ArtifactUpload> {
    return this.artifacts.createUpload(context, productId, version);
  }
}
