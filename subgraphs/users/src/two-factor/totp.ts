import { authenticator } from 'otplib';
import QRCode from 'qrcode';

const STEP_SECONDS = 30;
/** Steps either side of now a code may come from: a phone's clock a little off still works. */
const WINDOW_STEPS = 1;

/** RFC 6238 codes (SHA-1, 6 digits, 30 s), what every authenticator app reads from an otpauth URI; built on otplib. */
export const Totp = {
  newSecret(): string {
    // 20 bytes (160 bits, RFC 4226's recommendation), base32.
    return authenticator.generateSecret(20);
  },

  uri(secret: string, issuer: string, accountName: string): string {
    return authenticator.keyuri(accountName, issuer, secret);
  },

  async qrCodes(uri: string): Promise<{ svg: string; dataUrl: string }> {
    const [svg, dataUrl] = await Promise.all([
      QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M' }),
      QRCode.toDataURL(uri, { errorCorrectionLevel: 'M' }),
    ]);
    return { svg, dataUrl };
  },

  /**
   * The time step the code belongs to, or null when it is wrong, or from a step at or before
   * `afterTimeStep` (the last one accepted for this user): a code works once.
   */
  acceptedStep(secret: string, code: string, afterTimeStep: number | null): number | null {
    const nowMs = Date.now();
    const delta = authenticator
      .clone({ epoch: nowMs, step: STEP_SECONDS, window: WINDOW_STEPS })
      .checkDelta(code.trim(), secret);
    if (delta === null) return null;
    const step = Math.floor(nowMs / 1000 / STEP_SECONDS) + delta;
    return afterTimeStep === null || step > afterTimeStep ? step : null;
  },

  /** The code for now, or for `epochMs` (tests: the server never needs to show one). */
  codeNow(secret: string, epochMs = Date.now()): string {
    return authenticator.clone({ epoch: epochMs, step: STEP_SECONDS }).generate(secret);
  },
};
