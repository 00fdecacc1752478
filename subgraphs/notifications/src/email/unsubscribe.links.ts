import type { UrlTokenSigner } from '@marketplace/kit';
import { CATEGORY_NAMES, NotificationCategory, isTransactional } from '../notification/notification.catalog';

/** The path of the one-click unsubscribe endpoint (the gateway's REST edge forwards it here). */
export const UNSUBSCRIBE_PATH = '/unsubscribe';
const PURPOSE = 'unsubscribe';
/** A link keeps working this long: people unsubscribe from old mail too. */
export const UNSUBSCRIBE_LINK_TTL_SECONDS = 365 * 24 * 3600;

interface UnsubscribeClaims {
  u: string;
  c: NotificationCategory;
}

/**
 * Signed unsubscribe links (the kit's HMAC URL tokens): each names one user and one
 * category, so it can turn off that and nothing else, and needs no sign-in (RFC 8058).
 */
export class UnsubscribeLinks {
  constructor(
    private readonly signer: UrlTokenSigner,
    private readonly publicUrl: string,
  ) {}

  urlFor(userId: string, category: NotificationCategory): string {
    const token = this.signer.sign<UnsubscribeClaims>(
      PURPOSE,
      { u: userId, c: category },
      UNSUBSCRIBE_LINK_TTL_SECONDS,
    );
    return `${this.publicUrl}${UNSUBSCRIBE_PATH}/${token}`;
  }

  /** The user and category a token names; null when forged, expired or naming what cannot be turned off. */
  read(token: string): { userId: string; category: NotificationCategory } | null {
    const claims = this.signer.verify<UnsubscribeClaims>(PURPOSE, token);
    if (!claims || typeof claims.u !== 'string' || !CATEGORY_NAMES.includes(claims.c) || isTransactional(claims.c))
      return null;
    return { userId: claims.u, category: claims.c };
  }
}
