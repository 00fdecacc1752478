import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';

/**
 * A WebAuthn authenticator and the browser around it, in software, for fast unit tests: ES256 (P-256) keys, "none"
 * attestation. Real-browser tests use Chromium's virtual authenticator instead. It answers as told, so tests can
 * forge what an attacker would send (the overrides); where a browser would refuse to run a ceremony at all, it throws
 * a DOMException with the browser's name (NotAllowedError, InvalidStateError, NotSupportedError, SecurityError).
 */

const ES256 = -7;
const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

type CBORValue = Parameters<typeof isoCBOR.encode>[0];
/** What the library's helpers take: bytes on a plain ArrayBuffer. */
type Bytes = Uint8Array<ArrayBuffer>;

export interface SoftwareAuthenticatorOptions {
  /** The page's origin put in clientDataJSON; by default `https://<rpId>` of each ceremony. */
  origin?: string;
  /** Whether the "user" passes verification (the UV flag); default true. */
  userVerified?: boolean;
  /** What each assertion adds to a credential's signature counter; default 1. 0 acts as synced passkeys do. */
  signCountStep?: number;
  /** The 16-byte AAGUID put in attested credential data; default all zeros. */
  aaguid?: Uint8Array;
  /** The BE flag (the credential may be synced); default false. */
  backupEligible?: boolean;
  /** The BS flag (the credential is synced); default false. */
  backedUp?: boolean;
}

/** Forgeries applied to what a ceremony returns; each is for a test of an attack or a broken client. */
export interface CeremonyOverrides {
  /** clientDataJSON.origin, as a phishing page's would be. */
  origin?: string;
  /** Hash this RP ID into authenticatorData instead of the ceremony's. */
  rpId?: string;
  /** clientDataJSON.challenge, verbatim. */
  challenge?: string;
  /** clientDataJSON.type, e.g. "webauthn.get" in a registration. */
  type?: string;
  userPresent?: boolean;
  userVerified?: boolean;
  crossOrigin?: boolean;
}

export interface RegistrationOverrides extends CeremonyOverrides {
  /** Create the credential under this base64url id (e.g. one another account already holds). */
  credentialId?: string;
}

export interface AuthenticationOverrides extends CeremonyOverrides {
  /**
   * Use this credential of the authenticator, whatever allowCredentials and its RP ID say, as a forged client
   * would; by default the first created of those a browser would offer.
   */
  credentialId?: string;
  /** Claim this id in the response (id/rawId) while signing with the credential actually used. */
  claimedCredentialId?: string;
  /** Report this signature counter (a replay, a clone); the credential's own counter is left as it was. */
  signCount?: number;
  /** Corrupt the signature (one bit of its last byte). */
  tamperSignature?: boolean;
  /** response.userHandle: a base64url string, or null to leave it out; by default the discoverable credential's. */
  userHandle?: string | null;
}

/** A credential as the authenticator holds it (its private key stays inside). */
export interface SoftwareCredential {
  /** base64url credential id. */
  readonly id: string;
  readonly rpId: string;
  /** base64url user.id given at registration. */
  readonly userHandle: string;
  /** Whether it is a resident key, usable with an empty allowCredentials. */
  readonly discoverable: boolean;
  readonly signCount: number;
  /** The COSE-encoded public key, as verifyRegistrationResponse returns it. */
  readonly publicKey: Bytes;
}

interface StoredCredential {
  id: string;
  rpId: string;
  userHandle: string;
  discoverable: boolean;
  signCount: number;
  publicKey: Bytes;
  privateKey: KeyObject;
}

export class SoftwareAuthenticator {
  private readonly stored = new Map<string, StoredCredential>();
  private readonly origin?: string;
  private readonly userVerified: boolean;
  private readonly signCountStep: number;
  private readonly aaguid: Bytes;
  private readonly backupEligible: boolean;
  private readonly backedUp: boolean;

  constructor(options: SoftwareAuthenticatorOptions = {}) {
    this.origin = options.origin;
    this.userVerified = options.userVerified ?? true;
    this.signCountStep = options.signCountStep ?? 1;
    this.aaguid = bytes(options.aaguid ?? new Uint8Array(16));
    this.backupEligible = options.backupEligible ?? false;
    this.backedUp = options.backedUp ?? false;
    if (this.aaguid.length !== 16) throw new TypeError('aaguid must be 16 bytes');
    if (!Number.isInteger(this.signCountStep) || this.signCountStep < 0) {
      throw new TypeError('signCountStep must be a non-negative integer');
    }
  }

  /** Snapshots of the credentials created so far, in creation order. */
  get credentials(): SoftwareCredential[] {
    return [...this.stored.values()].map(({ privateKey: _privateKey, ...credential }) => ({
      ...credential,
      publicKey: Uint8Array.from(credential.publicKey),
    }));
  }

  /** navigator.credentials.create() with the server's options, as `startRegistration` would send them back. */
  register(
    options: PublicKeyCredentialCreationOptionsJSON,
    overrides: RegistrationOverrides = {},
  ): RegistrationResponseJSON {
    const { rpId, origin } = this.ceremonyScope(options.rp.id);
    if (!options.pubKeyCredParams.some((param) => param.type === 'public-key' && param.alg === ES256)) {
      throw new DOMException('The authenticator supports only ES256 (-7)', 'NotSupportedError');
    }
    const excluded = (options.excludeCredentials ?? []).find((c) => this.stored.get(c.id)?.rpId === rpId);
    if (excluded) {
      throw new DOMException(
        `This authenticator already holds excluded credential ${excluded.id}`,
        'InvalidStateError',
      );
    }
    const userHandle = canonicalBase64URL(options.user.id, 'user.id');
    const challenge = canonicalBase64URL(options.challenge, 'challenge');
    const selection = options.authenticatorSelection ?? {};
    const discoverable =
      selection.requireResidentKey === true ||
      selection.residentKey === 'required' ||
      selection.residentKey === 'preferred';

    const { publicKey: publicKeyObject, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKeyObject.export({ format: 'jwk' });
    const publicKey = isoCBOR.encode(
      new Map<string | number, CBORValue>([
        [1, 2], // kty: EC2
        [3, ES256],
        [-1, 1], // crv: P-256
        [-2, bytes(Buffer.from(jwk.x ?? '', 'base64url'))],
        [-3, bytes(Buffer.from(jwk.y ?? '', 'base64url'))],
      ]),
    );
    const rawId = overrides.credentialId ? isoBase64URL.toBuffer(overrides.credentialId) : bytes(randomBytes(32));
    const id = isoBase64URL.fromBuffer(rawId);
    const credential: StoredCredential = { id, rpId, userHandle, discoverable, signCount: 0, publicKey, privateKey };
    this.stored.delete(id);
    this.stored.set(id, credential);

    const idLength = new Uint8Array([rawId.length >> 8, rawId.length & 0xff]);
    const authenticatorData = concat(
      this.authenticatorDataHead(overrides.rpId ?? rpId, overrides, FLAG_AT, credential.signCount),
      this.aaguid,
      idLength,
      rawId,
      publicKey,
    );
    const clientDataJSON = clientData(overrides.type ?? 'webauthn.create', challenge, origin, overrides);
    const attestationObject = isoCBOR.encode(
      new Map<string | number, CBORValue>([
        ['fmt', 'none'],
        ['attStmt', new Map<string | number, CBORValue>()],
        ['authData', authenticatorData],
      ]),
    );
    const credProps = options.extensions?.credProps ? { credProps: { rk: discoverable } } : {};
    return {
      id,
      rawId: id,
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: credProps,
      response: {
        clientDataJSON: isoBase64URL.fromBuffer(clientDataJSON),
        attestationObject: isoBase64URL.fromBuffer(attestationObject),
        authenticatorData: isoBase64URL.fromBuffer(authenticatorData),
        transports: ['internal'],
        publicKeyAlgorithm: ES256,
        publicKey: isoBase64URL.fromBuffer(bytes(publicKeyObject.export({ format: 'der', type: 'spki' }))),
      },
    };
  }

  /** navigator.credentials.get() with the server's options, as `startAuthentication` would send them back. */
  authenticate(
    options: PublicKeyCredentialRequestOptionsJSON,
    overrides: AuthenticationOverrides = {},
  ): AuthenticationResponseJSON {
    const { rpId, origin } = this.ceremonyScope(options.rpId);
    const challenge = canonicalBase64URL(options.challenge, 'challenge');
    const allowed = new Set((options.allowCredentials ?? []).map((c) => c.id));
    const credential =
      overrides.credentialId === undefined
        ? [...this.stored.values()].find(
            (c) => c.rpId === rpId && (allowed.size > 0 ? allowed.has(c.id) : c.discoverable),
          )
        : this.stored.get(overrides.credentialId);
    if (!credential && overrides.credentialId !== undefined) {
      throw new TypeError(`This authenticator holds no credential ${overrides.credentialId}`);
    }
    if (!credential) {
      const wanted = allowed.size > 0 ? `any of allowCredentials [${[...allowed].join(', ')}]` : 'a discoverable one';
      throw new DOMException(`No credential for RP ID "${rpId}" matches ${wanted}`, 'NotAllowedError');
    }

    let signCount = overrides.signCount;
    if (signCount === undefined) {
      credential.signCount += this.signCountStep;
      signCount = credential.signCount;
    }
    const authenticatorData = this.authenticatorDataHead(overrides.rpId ?? rpId, overrides, 0, signCount);
    const clientDataJSON = clientData(overrides.type ?? 'webauthn.get', challenge, origin, overrides);
    const signed = concat(authenticatorData, bytes(createHash('sha256').update(clientDataJSON).digest()));
    const signature = bytes(sign('sha256', signed, credential.privateKey));
    if (overrides.tamperSignature) signature[signature.length - 1] ^= 0x01;

    const userHandle =
      overrides.userHandle === null
        ? undefined
        : (overrides.userHandle ?? (credential.discoverable ? credential.userHandle : undefined));
    const id = overrides.claimedCredentialId ?? credential.id;
    return {
      id,
      rawId: id,
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: isoBase64URL.fromBuffer(clientDataJSON),
        authenticatorData: isoBase64URL.fromBuffer(authenticatorData),
        signature: isoBase64URL.fromBuffer(signature),
        ...(userHandle === undefined ? {} : { userHandle }),
      },
    };
  }

  /** The RP ID and origin of a ceremony, refused as a browser refuses an RP ID that is not the page's domain. */
  private ceremonyScope(requestedRpId: string | undefined): { rpId: string; origin: string } {
    const rpId = requestedRpId ?? (this.origin === undefined ? undefined : new URL(this.origin).hostname);
    if (!rpId) throw new TypeError('The options give no RP ID and the authenticator has no origin');
    const origin = this.origin ?? `https://${rpId}`;
    const url = new URL(origin);
    const secure = url.protocol === 'https:' || (url.protocol === 'http:' && url.hostname === 'localhost');
    if (!secure || (url.hostname !== rpId && !url.hostname.endsWith(`.${rpId}`))) {
      throw new DOMException(`RP ID "${rpId}" is not valid for origin ${origin}`, 'SecurityError');
    }
    return { rpId, origin };
  }

  /** rpIdHash | flags | signCount: the part of authenticatorData both ceremonies share. */
  private authenticatorDataHead(rpId: string, overrides: CeremonyOverrides, extraFlags: number, signCount: number) {
    if (!Number.isInteger(signCount) || signCount < 0 || signCount > 0xffffffff) {
      throw new TypeError(`signCount ${signCount} does not fit in 32 bits`);
    }
    let flags = extraFlags;
    if (overrides.userPresent ?? true) flags |= FLAG_UP;
    if (overrides.userVerified ?? this.userVerified) flags |= FLAG_UV;
    if (this.backupEligible) flags |= FLAG_BE;
    if (this.backedUp) flags |= FLAG_BS;
    const counter = new Uint8Array(4);
    new DataView(counter.buffer).setUint32(0, signCount);
    return concat(bytes(createHash('sha256').update(rpId).digest()), new Uint8Array([flags]), counter);
  }
}

/** Browsers decode the options' base64url into bytes and encode them again: no padding survives. */
function canonicalBase64URL(value: string, name: string): string {
  if (typeof value !== 'string' || !isoBase64URL.isBase64URL(value)) {
    throw new TypeError(`options.${name} is not base64url`);
  }
  return isoBase64URL.fromBuffer(isoBase64URL.toBuffer(value));
}

function clientData(type: string, challenge: string, origin: string, overrides: CeremonyOverrides): Bytes {
  const json = JSON.stringify({
    type,
    challenge: overrides.challenge ?? challenge,
    origin: overrides.origin ?? origin,
    crossOrigin: overrides.crossOrigin ?? false,
  });
  return bytes(Buffer.from(json, 'utf8'));
}

/** A plain Uint8Array of its own (a Buffer may share a pooled ArrayBuffer, which CBOR and base64 would see whole). */
function bytes(view: Uint8Array): Bytes {
  return Uint8Array.from(view);
}

function concat(...parts: Uint8Array[]): Bytes {
  return bytes(Buffer.concat(parts));
}
