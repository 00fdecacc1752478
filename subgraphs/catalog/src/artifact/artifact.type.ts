import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The file buyers of a product download: what it is, never its bytes.' })
export class Artifact {
  @Field({ description: 'Lower-case hex SHA-256 of the file, to check a download against.' })
  sha256: string;

  @Field(() => Int, { description: 'Size in bytes.' })
  size: number;

  @Field({ description: "The vendor's version label of this build, e.g. `1.4.0`." })
  version: string;

  @Field({ description: 'When this build was uploaded.' })
  uploadedAt: Date;
}

@ObjectType({ description: "Where and until when to PUT a product's new artifact: a single-use signed URL." })
export class ArtifactUpload {
  @Field({
    description:
      "Send the file's bytes as the body of one HTTP PUT to this URL (no other authorization needed); it answers `{ sha256, size, version }`.",
  })
  uploadUrl: string;

  @Field({ description: 'The URL stops working at this time.' })
  expiresAt: Date;

  @Field(() => Int, { description: 'Largest file the URL accepts, in bytes (larger: 413 and nothing kept).' })
  maxBytes: number;
}
