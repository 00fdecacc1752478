import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { ResolverData } from 'type-graphql';
import { AccessTokenSigner, AccessTokenVerifier } from './access-token';
import { authChecker } from './auth-checker';
import type { RequestContext } from '../context';
import { Role, Viewer } from '../contracts/roles';

/**
 * Issue 25: `ADMIN_REQUIRE_TWO_FACTOR`. Every subgraph and the gateway build viewers with this
 * verifier, so an admin token without a second factor (`amr` lacking `mfa`) acts as a customer
 * everywhere; `@Authorized(Role.ADMIN)` says why.
 */
const settings = { issuer: 'marketplace-test', audience: 'marketplace-test-api' };
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const signer = new AccessTokenSigner(privatePem, settings);
const admin = { id: '5a3f3c9e-8f1e-4a51-9a8e-2b7c1d0e6f10', role: Role.ADMIN };
const MFA = ['pwd', 'otp', 'mfa'];

const requiring = new AccessTokenVerifier(publicPem, { ...settings, adminRequiresSecondFactor: true });
const notRequiring = new AccessTokenVerifier(publicPem, settings);

function check(viewer: Viewer | null, roles: Role[]): boolean {
  const checker = authChecker as (data: ResolverData<RequestContext>, roles: Role[]) => boolean;
  return checker({ context: { viewer } } as ResolverData<RequestContext>, roles);
}

function refusal(run: () => unknown) {
  try {
    run();
  } catch (error) {
    return (error as { extensions?: unknown }).extensions;
  }
  throw new Error('expected a refusal');
}

it('withholds the admin role from a token without a second factor when required', () => {
  const viewer = requiring.verify(signer.sign(admin, 1, 60, { methods: ['pwd'] }));
  expect(viewer).toEqual({ id: admin.id, role: Role.CUSTOMER, withheldRole: Role.ADMIN });
  expect(refusal(() => check(viewer, [Role.ADMIN]))).toEqual({ code: 'FORBIDDEN', reason: 'SECOND_FACTOR_REQUIRED' });
  expect(refusal(() => check(viewer, [Role.VENDOR, Role.ADMIN]))).toMatchObject({ reason: 'SECOND_FACTOR_REQUIRED' });
  expect(check(viewer, [])).toBe(true);
  expect(check(viewer, [Role.CUSTOMER])).toBe(true);
});

it('keeps the admin role with a second factor, and always when not required', () => {
  const strong = requiring.verify(signer.sign(admin, 1, 60, { methods: MFA }));
  expect(strong).toEqual({ ...admin, secondFactor: true });
  expect(check(strong, [Role.ADMIN])).toBe(true);
  expect(notRequiring.verify(signer.sign(admin, 1, 60))).toEqual(admin);
  expect(check(notRequiring.verify(signer.sign(admin, 1, 60)), [Role.ADMIN])).toBe(true);
});

it('leaves other roles alone, and refuses them admin fields without a reason', () => {
  const vendor = requiring.verify(signer.sign({ ...admin, role: Role.VENDOR }, 1, 60));
  expect(vendor).toEqual({ id: admin.id, role: Role.VENDOR });
  expect(refusal(() => check(vendor, [Role.ADMIN]))).toEqual({ code: 'FORBIDDEN' });
});

it('refuses a token whose amr claim is not a list of strings', () => {
  const forged = jwt.sign({ role: Role.ADMIN, sv: 1, amr: 'mfa' }, privatePem, {
    algorithm: 'RS256',
    subject: admin.id,
    expiresIn: 60,
    ...settings,
  });
  expect(refusal(() => requiring.verify(forged))).toMatchObject({ code: 'UNAUTHENTICATED' });
});

it('tells the signer what the verifiers will make of a token', () => {
  const strict = new AccessTokenSigner(privatePem, { ...settings, adminRequiresSecondFactor: true });
  expect(strict.actingViewer(admin, [])).toEqual({ id: admin.id, role: Role.CUSTOMER, withheldRole: Role.ADMIN });
  expect(strict.actingViewer(admin, MFA)).toEqual({ ...admin, secondFactor: true });
});
