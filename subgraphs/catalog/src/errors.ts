import { AppError, FieldError } from '@marketplace/kit';

/**
 * The catalog's refusals with their `reason` (a value of the schema's ErrorReason enum).
 * Until the kit's own helpers take a reason, these build the same extensions.
 */
export type CatalogReason =
  | 'ALREADY_REVIEWED'
  | 'LICENSE_REQUIRED'
  | 'NAME_TAKEN'
  | 'NOT_A_VENDOR'
  | 'OWN_PRODUCT'
  | 'INVALID_STATUS'
  | 'PRODUCT_ARCHIVED'
  | 'REVIEWS_CLOSED'
  | 'UPLOAD_LINK_USED'
  | 'VENDOR_SUSPENDED'
  | 'VERSION_EXISTS';

export const conflictWith = (message: string, reason: CatalogReason, fields?: FieldError[]) =>
  new AppError('CONFLICT', message, { reason, ...(fields ? { fields } : {}) });

export const forbiddenWith = (message: string, reason: CatalogReason) =>
  new AppError('FORBIDDEN', message, { reason });
