import { ArgsType, Field, ID } from 'type-graphql';

@ArgsType()
export class CreateArtifactUploadArgs {
  @Field(() => ID, { description: 'Your product (not archived).' })
  productId: string;

  @Field({
    description:
      'Version label of the build, 1 to 32 characters: letters and digits in groups joined by "." or "-" (e.g. `1.4.0`, `2.0.0-beta.1`); each version is uploaded once.',
  })
  version: string;
}
