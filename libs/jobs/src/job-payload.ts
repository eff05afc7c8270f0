/** Job payloads carry ids, codes, numbers and booleans: never names, narratives or contacts. */
export type JobPayload = Record<string, string | number | boolean | null>;

const ID_OR_CODE = /^[A-Za-z0-9_.:-]{0,64}$/;

export class UnsafePayloadError extends Error {
  constructor(key: string) {
    super(`job payload field "${key}" is not an id or a code`);
    this.name = 'UnsafePayloadError';
  }
}

/** Refuses payloads that could carry free text: a safety net behind the typed commands. */
export function assertPayloadIsCoded(payload: JobPayload): void {
  for (const [key, value] of Object.entries(payload)) {
    if (typeof value === 'string' && !ID_OR_CODE.test(value)) throw new UnsafePayloadError(key);
    if (typeof value === 'object' && value !== null) throw new UnsafePayloadError(key);
  }
}
