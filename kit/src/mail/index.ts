export * from './mail-config';
export * from './mail-transport';
export * from './mail-sink';
export * from './mail-outbox';
export * from './mail-dispatcher';
export * from './mail-delivery';
