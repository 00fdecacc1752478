export * from './mail-config';
export * from './mail-transport';
export * from './mail-sink';
