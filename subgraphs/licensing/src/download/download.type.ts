import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: "A short-lived signed URL to download a licensed product's current build." })
export class DownloadLink {
  @Field({
    description:
      'GET this URL (no other authorization needed) for the file; it supports single byte ranges for resuming.',
  })
  url: string;

  @Field({ description: 'The URL stops working at this time (410 afterwards).' })
  expiresAt: Date;

  @Field({
    description:
      'Lower-case hex SHA-256 of the file, to check the download against (also sent as `x-checksum-sha256`).',
  })
  sha256: string;

  @Field(() => Int, { description: 'Size of the file in bytes.' })
  size: number;

  @Field({ description: "The vendor's version label of the build." })
  version: string;
}
