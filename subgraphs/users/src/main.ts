import '@marketplace/kit/tracing';
import { runUntilSignal, startSubgraph } from '@marketplace/kit';
import { usersSubgraph } from './index';

void runUntilSignal('users', () => startSubgraph(usersSubgraph));
