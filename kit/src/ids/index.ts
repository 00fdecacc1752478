export * from './global-id';
export { applyGlobalIds } from './global-ids-transform';
