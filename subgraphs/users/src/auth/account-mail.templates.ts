import type { MailBrand, MailContent } from '@marketplace/kit/mail-layout';

/**
 * The account mails, in the layout every mail of the marketplace shares (the kit's). They live
 * here, not with the notifications' templates, because their links carry one-time tokens: the
 * users subgraph renders and sends them itself, so a token never travels on the event backbone.
 */
export interface VerifyEmailData {
  displayName: string;
  /** The one-time link (its token is the secret). */
  verifyUrl: string;
  validHours: number;
}

export interface PasswordResetData {
  displayName: string;
  /** The one-time link (its token is the secret). */
  resetUrl: string;
  validMinutes: number;
}

const hi = (name: string) => `Hi ${name},`;

export const accountMailTemplates = {
  verifyEmail: (data: VerifyEmailData, brand: MailBrand): MailContent => ({
    subject: `Confirm your email address for ${brand.appName}`,
    preheader: 'One click confirms your address.',
    greeting: hi(data.displayName),
    paragraphs: ['Confirm that this address is yours, so that receipts and account messages reach you.'],
    action: { label: 'Confirm my address', url: data.verifyUrl },
    afterAction: [
      `The link works once, for ${data.validHours} hours. If you did not create an account, ignore this email.`,
    ],
  }),

  passwordReset: (data: PasswordResetData, brand: MailBrand): MailContent => ({
    subject: `Reset your ${brand.appName} password`,
    preheader: 'Someone asked to reset your password.',
    greeting: hi(data.displayName),
    paragraphs: ['Someone (we hope you) asked to reset the password of your account.'],
    action: { label: 'Choose a new password', url: data.resetUrl },
    afterAction: [
      `The link works once, for ${data.validMinutes} minutes. If you did not ask, ignore this email: your password stays as it is.`,
    ],
  }),
};
