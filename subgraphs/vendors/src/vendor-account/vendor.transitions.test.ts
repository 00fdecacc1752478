import { AppError } from '@marketplace/kit';
import { VendorStatus } from './vendor.entity';
import { TransitionName, Transitions, nextStatus } from './vendor.transitions';

const statuses = Object.values(VendorStatus);
const names = Object.keys(Transitions) as TransitionName[];

describe('nextStatus', () => {
  it.each([
    [VendorStatus.PENDING, 'approve', VendorStatus.ACTIVE],
    [VendorStatus.PENDING, 'reject', VendorStatus.REJECTED],
    [VendorStatus.ACTIVE, 'suspend', VendorStatus.SUSPENDED],
    [VendorStatus.SUSPENDED, 'reinstate', VendorStatus.ACTIVE],
  ] as const)('%s --%s--> %s', (from, name, to) => {
    expect(nextStatus(from, name)).toBe(to);
  });

  const illegal = statuses.flatMap((from) =>
    names.filter((name) => Transitions[name].from !== from).map((name) => [from, name] as const),
  );

  it('has exactly 12 illegal moves out of 16', () => {
    expect(illegal).toHaveLength(12);
  });

  it.each(illegal)('refuses %s --%s--> with CONFLICT (INVALID_STATUS) naming the current status', (from, name) => {
    try {
      nextStatus(from, name);
      throw new Error('expected a conflict');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).extensions).toEqual({ code: 'CONFLICT', reason: 'INVALID_STATUS' });
      expect((error as AppError).message).toContain(from);
    }
  });
});
