import type { Express } from 'express';
import { Field, ObjectType, Query, Resolver } from 'type-graphql';
import type { LicenseSigningKey } from './signing-key';

@ObjectType({
  description:
    "The marketplace's public key: products verify license keys offline with it (see the verification example).",
})
export class LicensePublicKey {
  @Field({ description: 'Signature algorithm of license keys: always Ed25519.' })
  algorithm: string;

  @Field({ description: 'The public key, SPKI PEM (`-----BEGIN PUBLIC KEY-----`).' })
  publicKeyPem: string;

  @Field({ description: 'First 16 hex characters of the SHA-256 of the key (DER); license keys name it in `kid`.' })
  keyId: string;
}

export function publicKeyOf(key: LicenseSigningKey): LicensePublicKey {
  return Object.assign(new LicensePublicKey(), {
    algorithm: 'Ed25519',
    publicKeyPem: key.publicKeyPem,
    keyId: key.keyId,
  });
}

@Resolver()
export class PublicKeyResolver {
  constructor(private readonly key: LicensePublicKey) {}

  @Query(() => LicensePublicKey, {
    description: 'The public key license keys are signed with, for verifying them offline. Public. Errors: none.',
  })
  licensePublicKey(): LicensePublicKey {
    return this.key;
  }
}

export const PUBLIC_KEY_PATH = '/licensing/public-key';

/** `GET /licensing/public-key` → `{ algorithm, publicKeyPem, keyId }`, for vendors' build scripts. */
export function publicKeyRoutes(key: LicensePublicKey) {
  return (app: Express): void => {
    app.get(PUBLIC_KEY_PATH, (_req, res) => {
      res.setHeader('cache-control', 'public, max-age=300');
      res.json({ algorithm: key.algorithm, publicKeyPem: key.publicKeyPem, keyId: key.keyId });
    });
  };
}
