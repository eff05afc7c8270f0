export * from './agency-key-relayer';
export * from './agency-key-rotation';
