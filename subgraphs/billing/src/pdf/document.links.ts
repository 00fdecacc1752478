import { RouteRefusal, UrlTokenSigner, isUuid } from '@marketplace/kit';

/** Distinct from downloads, exports and uploads: they all share the URL signing secret. */
export const BILLING_DOCUMENT_PURPOSE = 'billing-document';

/** Expired links still verify this long after their `exp`, only so they answer 410 rather than 403. */
const EXPIRED_LINK_GRACE_SECONDS = 24 * 3600;

export type DocumentKind = 'invoice' | 'credit-note';

/** What a PDF link carries: which document, and until when (epoch seconds, checked here). */
export interface DocumentClaims {
  k: DocumentKind;
  id: string;
  exp: number;
}

/** Why a PDF download was refused, as the HTTP status and code the route answers. */
export class DocumentRefused extends RouteRefusal {}

/**
 * Signed, expiring links to an invoice's or credit note's PDF on the gateway's REST edge
 * (`/invoices/<token>`). The link is the capability: it is handed only to who may see the
 * document, and lives for minutes.
 */
export class DocumentLinks {
  constructor(
    private readonly signer: UrlTokenSigner,
    private readonly settings: { publicUrl: string; linkTtlSeconds: number },
  ) {}

  urlOf(kind: DocumentKind, id: string): string {
    const ttl = this.settings.linkTtlSeconds;
    const claims: DocumentClaims = { k: kind, id, exp: Math.floor(Date.now() / 1000) + ttl };
    return `${this.settings.publicUrl}/invoices/${this.signer.sign(BILLING_DOCUMENT_PURPOSE, claims, ttl + EXPIRED_LINK_GRACE_SECONDS)}`;
  }

  /** The document a token names: 403 forged, malformed or of another purpose; 410 expired. */
  open(token: string): DocumentClaims {
    const claims = this.signer.verify<DocumentClaims>(BILLING_DOCUMENT_PURPOSE, token);
    if (
      !claims ||
      !isUuid(claims.id) ||
      !['invoice', 'credit-note'].includes(claims.k) ||
      typeof claims.exp !== 'number'
    )
      throw new DocumentRefused(403, 'FORBIDDEN', 'This document link is invalid');
    if (claims.exp < Date.now() / 1000)
      throw new DocumentRefused(410, 'LINK_EXPIRED', 'This document link has expired; ask for a new one');
    return claims;
  }
}
