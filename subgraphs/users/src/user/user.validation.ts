import { InputCheck } from '@marketplace/kit';

export const EMAIL_MAX_LENGTH = 254;
export const DISPLAY_NAME_MAX_LENGTH = 80;
export const PASSWORD_MIN_LENGTH = 10;
/** scrypt cost grows with input length only a little, but unbounded input is still a denial-of-service lever. */
export const PASSWORD_MAX_LENGTH = 128;
const PASSWORD_MIN_DISTINCT_CHARACTERS = 5;

// Deliberately pragmatic: one @, no spaces, a dot in the domain. Deliverability is proven by verifyEmail.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const COMMON_PASSWORDS = new Set([
  '1234567890',
  '12345678910',
  '0123456789',
  'qwertyuiop',
  'password123',
  'password1234',
  'passw0rd123',
  'iloveyou123',
  'letmein1234',
  'welcome1234',
  'administrator',
  'qwerty12345',
  'abcdefghij',
  '1q2w3e4r5t',
  'changeme123',
  'football123',
  'baseball123',
  'monkey12345',
  'dragon12345',
  'sunshine123',
  'princess123',
]);

/** The users subgraph's field rules on top of the kit's problem collector. */
export class UserInputCheck extends InputCheck {
  email(field: string, raw: string): string {
    const email = normalizeEmail(raw);
    if (email.length > EMAIL_MAX_LENGTH) this.add(field, `must be at most ${EMAIL_MAX_LENGTH} characters`);
    else if (!EMAIL_PATTERN.test(email)) this.add(field, 'must be a valid email address');
    return email;
  }

  displayName(field: string, raw: string): string {
    return this.singleLineText(field, raw, DISPLAY_NAME_MAX_LENGTH);
  }

  password(field: string, password: string, context: { email?: string } = {}): string {
    const problem = passwordProblem(password, context.email);
    if (problem) this.add(field, problem);
    return password;
  }
}

export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

function passwordProblem(password: string, email?: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (new Set(password).size < PASSWORD_MIN_DISTINCT_CHARACTERS)
    return `must use at least ${PASSWORD_MIN_DISTINCT_CHARACTERS} different characters`;
  if (COMMON_PASSWORDS.has(password.toLowerCase())) return 'is too common';
  const localPart = email?.split('@')[0];
  if (localPart && localPart.length >= 4 && password.toLowerCase().includes(localPart))
    return 'must not contain your email address';
  return null;
}
