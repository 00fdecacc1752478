import { adminTemplates } from './admin.templates';
import { customerTemplates } from './customer.templates';
import { MailBrand, RenderedMail, renderMail } from '@marketplace/kit/mail-layout';
import { vendorTemplates } from './vendor.templates';

/** Every email the marketplace sends, by kind: one template each, for its HTML and its text. */
export const MAIL_TEMPLATES = { ...customerTemplates, ...vendorTemplates, ...adminTemplates };

export type MailKind = keyof typeof MAIL_TEMPLATES;

/** What the template of `kind` needs to be filled. */
export type MailData<Kind extends MailKind> = Parameters<(typeof MAIL_TEMPLATES)[Kind]>[0];

/** The mail of `kind` for `data`, ready for the transport. */
export function renderTemplate<Kind extends MailKind>(
  kind: Kind,
  data: MailData<Kind>,
  brand: MailBrand,
): Promise<RenderedMail> {
  const template = MAIL_TEMPLATES[kind] as (
    data: MailData<Kind>,
    brand: MailBrand,
  ) => ReturnType<(typeof MAIL_TEMPLATES)[Kind]>;
  return renderMail(template(data, brand), brand);
}
