import type { PaymentsConfig } from '../config';
import { LocalProvider } from './local-provider';
import type { PaymentProvider } from './payment-provider';
import { StripeProvider } from './stripe-provider';

/** Stripe when a secret key is configured, else the local provider (development). */
export function createProvider(settings: PaymentsConfig, webhookUrl: () => string): PaymentProvider {
  return settings.stripeSecretKey
    ? new StripeProvider(settings.stripeSecretKey, settings.stripeApiBase)
    : new LocalProvider({ url: webhookUrl, secret: settings.webhookSecret });
}
