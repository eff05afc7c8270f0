import { FactoryProvider } from '@nestjs/common';
// Default import on purpose: `import * as sodium` leaves every function undefined.
import sodium from 'libsodium-wrappers';

export type Sodium = typeof sodium;

export const SODIUM = Symbol('SODIUM');

let ready: Promise<Sodium> | undefined;

/** Resolves once libsodium's WebAssembly is initialised; later calls share the same promise. */
export function loadSodium(): Promise<Sodium> {
  ready ??= sodium.ready.then(() => sodium);
  return ready;
}

export const sodiumProvider: FactoryProvider<Promise<Sodium>> = {
  provide: SODIUM,
  useFactory: loadSodium,
};
