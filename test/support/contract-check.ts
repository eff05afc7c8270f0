import { drainContractMismatches } from './openapi-contract';

// Every response a test app sent during a test must match the OpenAPI document
// (see openapi-contract.ts); a mismatch fails the test that caused it.
afterEach(() => {
  const found = drainContractMismatches();
  if (found.length > 0) {
    const unique = [...new Set(found)];
    throw new Error(`Responses that do not match the OpenAPI document:\n  ${unique.join('\n  ')}`);
  }
});
