import { Field, ObjectType, registerEnumType } from 'type-graphql';

/** The networks a social link can name; `OTHER` is any https site. */
export enum SocialNetwork {
  GITHUB = 'GITHUB',
  GITLAB = 'GITLAB',
  X = 'X',
  LINKEDIN = 'LINKEDIN',
  YOUTUBE = 'YOUTUBE',
  DISCORD = 'DISCORD',
  MASTODON = 'MASTODON',
  BLUESKY = 'BLUESKY',
  INSTAGRAM = 'INSTAGRAM',
  FACEBOOK = 'FACEBOOK',
  TWITCH = 'TWITCH',
  OTHER = 'OTHER',
}

registerEnumType(SocialNetwork, {
  name: 'SocialNetwork',
  description: 'Where a social link points; a named network is checked against its domains.',
  valuesConfig: {
    GITHUB: { description: 'github.com' },
    GITLAB: { description: 'gitlab.com' },
    X: { description: 'x.com or twitter.com' },
    LINKEDIN: { description: 'linkedin.com' },
    YOUTUBE: { description: 'youtube.com or youtu.be' },
    DISCORD: { description: 'discord.com or discord.gg' },
    MASTODON: { description: 'A profile on any Mastodon server: https://<server>/@<name>.' },
    BLUESKY: { description: 'bsky.app' },
    INSTAGRAM: { description: 'instagram.com' },
    FACEBOOK: { description: 'facebook.com' },
    TWITCH: { description: 'twitch.tv' },
    OTHER: { description: 'Any other https site.' },
  },
});

@ObjectType({ description: "A link to one of the vendor's pages elsewhere." })
export class VendorSocialLink {
  @Field(() => SocialNetwork, { description: 'The network the link points to (OTHER: any other site).' })
  network: SocialNetwork;

  @Field({ description: 'The absolute https: address, normalised (lower-case host, punycode).' })
  url: string;
}
