export * from './media-config';
export * from './image-processing';
export * from './media-library';
export * from './media.routes';
export * from './recorded-image';
