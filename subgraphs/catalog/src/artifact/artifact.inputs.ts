import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Which product and version a new build is for.' })
export class CreateArtifactUploadInput {
  @Field(() => ID, { description: 'Your product (not archived).' })
  productId: string;

  @Field({
    description:
      'Version label of the build, 1 to 32 characters: letters and digits in groups joined by "." or "-" (e.g. `1.4.0`, `2.0.0-beta.1`); each version is uploaded once.',
  })
  version: string;
}
