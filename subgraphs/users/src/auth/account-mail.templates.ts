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

/** What changed among the account's second factors; `twoFactorOn` is whether signing in still takes one. */
export type SecondFactorChange =
  | { kind: 'TOTP_ON' }
  | { kind: 'TOTP_OFF'; twoFactorOn: boolean }
  | { kind: 'PASSKEY_ADDED'; passkeyName: string }
  | { kind: 'PASSKEY_REMOVED'; passkeyName: string; twoFactorOn: boolean }
  /** An admin removed every second factor (resetTwoFactor), for an owner who lost them all. */
  | { kind: 'RESET_BY_OPERATOR' };

export interface TwoFactorChangedData {
  displayName: string;
  change: SecondFactorChange;
  /** Where the user manages their account's security. */
  securityUrl: string;
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

  twoFactorChanged: ({ displayName, change, securityUrl }: TwoFactorChangedData, brand: MailBrand): MailContent => ({
    subject: secondFactorSubject(change, brand.appName),
    preheader: 'A security setting of your account changed.',
    greeting: hi(displayName),
    paragraphs: [
      secondFactorSummary(change),
      // A reset comes from an admin, not from one of the user's sessions: none of them stays.
      change.kind === 'RESET_BY_OPERATOR'
        ? 'Every session of your account has been signed out.'
        : 'Every other session of your account has been signed out.',
    ],
    action: { label: 'Review my account security', url: securityUrl },
    afterAction: ['If this was not you, reset your password at once and contact support.'],
  }),
};

function secondFactorSubject(change: SecondFactorChange, appName: string): string {
  switch (change.kind) {
    case 'TOTP_ON':
      return `Two-factor authentication is on for your ${appName} account`;
    case 'TOTP_OFF':
      return change.twoFactorOn
        ? `The authenticator app was removed from your ${appName} account`
        : `Two-factor authentication is off for your ${appName} account`;
    case 'PASSKEY_ADDED':
      return `A passkey was added to your ${appName} account`;
    case 'PASSKEY_REMOVED':
      return `A passkey was removed from your ${appName} account`;
    case 'RESET_BY_OPERATOR':
      return `Two-factor authentication was reset for your ${appName} account`;
  }
}

function secondFactorSummary(change: SecondFactorChange): string {
  const stillOn = 'Your other second factors still protect your account.';
  const off = 'Signing in no longer asks for a second factor: the password alone is enough.';
  switch (change.kind) {
    case 'TOTP_ON':
      return 'Signing in now takes a code from your authenticator app (or one of your recovery codes) after the password.';
    case 'TOTP_OFF':
      return `Signing in no longer accepts codes from your authenticator app. ${change.twoFactorOn ? stillOn : off}`;
    case 'PASSKEY_ADDED':
      return `The passkey "${change.passkeyName}" now signs you in, alone or after your password as a second factor.`;
    case 'PASSKEY_REMOVED':
      return `The passkey "${change.passkeyName}" no longer signs you in. ${change.twoFactorOn ? stillOn : off}`;
    case 'RESET_BY_OPERATOR':
      return (
        'At your request, our support team removed every second factor of your account: the authenticator app, ' +
        `passkeys and recovery codes. ${off} Turn two-factor authentication on again from your account's security page.`
      );
  }
}
