import { runUntilSignal } from '@marketplace/kit';
import { SERVICE_NAME, startRouterCoprocessor } from './server';

void runUntilSignal(SERVICE_NAME, () => startRouterCoprocessor());
