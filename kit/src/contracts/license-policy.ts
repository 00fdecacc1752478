/**
 * A vendor's license policy as the catalog sets it and licensing enforces it: on how many
 * machines one license may be activated.
 */
export const LicensePolicy = {
  /** When the vendor set none, or licensing has not heard of the product yet. */
  defaultMaxActivations: 3,
  /** The most a vendor may allow. */
  maxActivationsLimit: 1_000,
} as const;
