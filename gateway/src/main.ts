import '@marketplace/kit/tracing';
import { runUntilSignal } from '@marketplace/kit';
import { startGateway } from './gateway';

void runUntilSignal('gateway', () => startGateway());
