/**
 * Issue 18 item 7 on the licensing subgraph's own port: rotating a forged `x-client-ip` no
 * longer multiplies the `validateLicense` budget; only the gateway's signed one is believed.
 */
import { TestSubgraph } from '@marketplace/kit/testing';
import { startLicensing } from '../testing';

const VALIDATIONS_PER_MINUTE = 3;
const VALIDATE = `query { validateLicense(licenseKey: "MP1.x.y", fingerprint: "fp") { code } }`;

let licensing: TestSubgraph;
beforeAll(async () => {
  licensing = await startLicensing({ LICENSE_VALIDATE_PER_MINUTE: String(VALIDATIONS_PER_MINUTE) });
});
afterAll(() => licensing.close());

const codeOf = (result: {
  data?: { validateLicense?: { code: string } } | null;
  errors?: { extensions?: { code?: string } }[];
}) => result.errors?.[0]?.extensions?.code ?? result.data?.validateLicense?.code;

describe('validateLicense with a rotating forged x-client-ip', () => {
  it('is limited by the socket address when unsigned', async () => {
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < VALIDATIONS_PER_MINUTE + 2; i += 1) {
      codes.push(
        codeOf(await licensing.unsignedClient.request(VALIDATE, { headers: { 'x-client-ip': `198.51.100.${i}` } })),
      );
    }
    expect(codes).toEqual([...Array(VALIDATIONS_PER_MINUTE).fill('INVALID_SIGNATURE'), 'RATE_LIMITED', 'RATE_LIMITED']);
  });

  it('counts per signed client IP when the gateway forwards it', async () => {
    for (let i = 0; i < VALIDATIONS_PER_MINUTE + 2; i += 1) {
      const result = await licensing.client.request(VALIDATE, { headers: { 'x-client-ip': `203.0.113.${i}` } });
      expect(codeOf(result)).toBe('INVALID_SIGNATURE');
    }
  });
});
