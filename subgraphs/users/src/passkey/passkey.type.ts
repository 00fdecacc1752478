import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    'A passkey (a WebAuthn credential) of the user: it signs them in alone, or serves as the second factor after ' +
    'the password. Visible to its user only (`me { passkeys }`). The key itself never leaves the authenticator.',
})
export class Passkey {
  @Field(() => ID, { description: 'Global id (`<Type>:<uuid>`), unique across the supergraph; opaque to clients.' })
  id: string;

  @Field({
    description: 'The name the user gave it when registering (default "Passkey"), to tell their passkeys apart.',
  })
  name: string;

  @Field({
    description:
      "Whether the authenticator says the passkey is backed up (synced to the user's other devices by their " +
      'password manager or platform), as of its latest use.',
  })
  backedUp: boolean;

  @Field({ description: 'When it was registered.' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it last signed the user in; null if it never has.' })
  lastUsedAt: Date | null;
}
