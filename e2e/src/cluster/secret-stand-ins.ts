import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { SecretValues } from './kustomize';

const pem = (
  key: { export(options: { type: 'pkcs8' | 'spki'; format: 'pem' }): string | Buffer },
  type: 'pkcs8' | 'spki',
) => key.export({ type, format: 'pem' }).toString();
const jwt = generateKeyPairSync('rsa', { modulusLength: 2048 });
const secret = () => randomBytes(32).toString('hex');

/**
 * Values of the form each key of the Secret `marketplace-secrets` holds in a real deployment
 * (docs/operations.md#kubernetes lists them), so the services' own readers can judge the settings.
 * A key the manifests reference that is not here fails the tests: say what it holds.
 */
export const SECRET_STAND_INS: Record<string, string> = {
  DATABASE_URL: 'postgresql://marketplace:secret@marketplace-db-rw:5432/marketplace',
  REDIS_URL: 'redis://:secret@redis:6379',
  AMQP_URL: 'amqp://marketplace:secret@marketplace-rabbitmq:5672',
  JWT_PUBLIC_KEY: pem(jwt.publicKey, 'spki'),
  JWT_PRIVATE_KEY: pem(jwt.privateKey, 'pkcs8'),
  SUBGRAPH_SIGNING_SECRET: secret(),
  URL_SIGNING_SECRET: secret(),
  LICENSE_SIGNING_KEY: pem(generateKeyPairSync('ed25519').privateKey, 'pkcs8'),
  STRIPE_SECRET_KEY: `sk_live_${secret()}`,
  STRIPE_WEBHOOK_SECRET: `whsec_${secret()}`,
  SMTP_URL: 'smtps://mailer:secret@smtp.marketplace.example:465',
  APOLLO_KEY: `service:marketplace:${secret()}`,
};

export const SECRET_NAME = 'marketplace-secrets';

export const standInSecrets: SecretValues = (name, key) => {
  if (name !== SECRET_NAME) throw new Error(`Secret ${name}: the manifests keep every key in ${SECRET_NAME}`);
  if (!(key in SECRET_STAND_INS)) throw new Error(`${SECRET_NAME} key ${key} has no stand-in in secret-stand-ins.ts`);
  return SECRET_STAND_INS[key];
};

/** A Secret holding only the keys every reference needs (a development cluster: no Stripe key, no SMTP server). */
export const requiredStandInSecrets: SecretValues = (name, key, optional) =>
  optional ? undefined : standInSecrets(name, key, optional);
