import '@marketplace/kit/tracing';
import { runUntilSignal, startSubgraph } from '@marketplace/kit';
import { notificationsSubgraph } from './index';

void runUntilSignal('notifications', () => startSubgraph(notificationsSubgraph));
