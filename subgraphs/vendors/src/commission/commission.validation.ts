import { BPS_PER_UNIT } from '../vendor-account/vendor.entity';
import { VendorInputCheck } from '../vendor-account/vendor.validation';

/** The rules of a commission change. */
export class CommissionInputCheck extends VendorInputCheck {
  /** A whole number of basis points from 0 to 10,000. */
  rateBps(field: string, raw: number): number {
    if (!Number.isInteger(raw) || raw < 0 || raw > BPS_PER_UNIT)
      this.add(field, `must be a whole number of basis points from 0 to ${BPS_PER_UNIT}`);
    return raw;
  }
}
