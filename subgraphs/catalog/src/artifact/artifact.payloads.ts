import { Field, ObjectType } from 'type-graphql';
import { Product } from '../product/product.entity';
import { ArtifactUpload } from './artifact.type';

@ObjectType({ description: 'What createArtifactUpload made.' })
export class CreateArtifactUploadPayload {
  @Field(() => ArtifactUpload, { description: 'Where and until when to PUT the build.' })
  upload: ArtifactUpload;

  @Field(() => Product, {
    description: 'The product the build is for (its artifact changes once the upload completes).',
  })
  product: Product;
}
