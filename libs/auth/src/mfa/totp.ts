import { generate, generateSecret, generateURI, verify } from 'otplib';

export const TOTP_PERIOD_SECONDS = 30;
/** Codes of the previous and next step are accepted too, for clock drift. */
export const TOTP_WINDOW_STEPS = 1;
const CODE = /^\d{6}$/;

export function totpStep(epochSeconds: number): number {
  return Math.floor(epochSeconds / TOTP_PERIOD_SECONDS);
}

export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri(secret: string, label: string): string {
  return generateURI({ issuer: 'Amani', label, secret });
}

/** The code for the step containing epochSeconds (tests and the demo seed use it). */
export function totpCode(secret: string, epochSeconds = Date.now() / 1000): Promise<string> {
  return generate({ secret, epoch: Math.floor(epochSeconds) });
}

/**
 * Returns the time step the code belongs to when it is valid within ±1 step of now and
 * newer than lastStep (a code is never accepted twice), otherwise null. The caller must
 * still record the step atomically (compare-and-set on the stored last step).
 */
export async function acceptTotp(
  secret: string,
  code: string,
  lastStep: number | null,
  epochSeconds = Date.now() / 1000,
): Promise<number | null> {
  if (!CODE.test(code)) return null;
  const epoch = Math.floor(epochSeconds);
  const newestAcceptable = totpStep(epoch) + TOTP_WINDOW_STEPS;
  if (lastStep !== null && lastStep >= newestAcceptable) return null;
  const result = await verify({
    secret,
    token: code,
    epoch,
    epochTolerance: TOTP_WINDOW_STEPS * TOTP_PERIOD_SECONDS,
    ...(lastStep !== null ? { afterTimeStep: lastStep } : {}),
  });
  if (!result.valid || !('timeStep' in result)) return null;
  const step = result.timeStep;
  if (lastStep !== null && step <= lastStep) return null;
  return step;
}
