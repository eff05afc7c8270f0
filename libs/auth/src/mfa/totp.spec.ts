import { acceptTotp, newTotpSecret, totpCode, totpStep, totpUri, TOTP_PERIOD_SECONDS } from './totp';

describe('TOTP step logic', () => {
  const secret = newTotpSecret();
  // The middle of a period, and its edges.
  const step = 56_666_667;
  const start = step * TOTP_PERIOD_SECONDS;
  const at = (s: number) => s * TOTP_PERIOD_SECONDS + 7;

  it('maps epochs to 30-second steps', () => {
    expect(totpStep(start)).toBe(step);
    expect(totpStep(start + 29.9)).toBe(step);
    expect(totpStep(start + 30)).toBe(step + 1);
  });

  it('accepts the current step and returns it', async () => {
    const code = await totpCode(secret, at(step));
    expect(await acceptTotp(secret, code, null, at(step))).toBe(step);
  });

  it('accepts codes one step before and after (clock drift), not two', async () => {
    for (const now of [start, start + 29]) {
      expect(await acceptTotp(secret, await totpCode(secret, at(step - 1)), null, now)).toBe(step - 1);
      expect(await acceptTotp(secret, await totpCode(secret, at(step + 1)), null, now)).toBe(step + 1);
      expect(await acceptTotp(secret, await totpCode(secret, at(step - 2)), null, now)).toBeNull();
      expect(await acceptTotp(secret, await totpCode(secret, at(step + 2)), null, now)).toBeNull();
    }
  });

  it('never accepts a step at or before the last accepted one', async () => {
    const code = await totpCode(secret, at(step));
    expect(await acceptTotp(secret, code, step, at(step))).toBeNull();
    expect(await acceptTotp(secret, code, step + 1, at(step))).toBeNull();
    expect(await acceptTotp(secret, code, step - 1, at(step))).toBe(step);
    // An older code inside the window is refused once a newer step was used.
    expect(await acceptTotp(secret, await totpCode(secret, at(step - 1)), step, at(step))).toBeNull();
    // The next step is still fine after the current one was used.
    expect(await acceptTotp(secret, await totpCode(secret, at(step + 1)), step, at(step))).toBe(step + 1);
  });

  it('does not throw when the last step is beyond the window (clock moved back)', async () => {
    const code = await totpCode(secret, at(step));
    await expect(acceptTotp(secret, code, step + 5, at(step))).resolves.toBeNull();
  });

  it('refuses malformed and wrong codes without throwing', async () => {
    const code = await totpCode(secret, at(step));
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (const bad of ['', '12345', '1234567', 'abcdef', ' 123456', wrong]) {
      await expect(acceptTotp(secret, bad, null, at(step))).resolves.toBeNull();
    }
  });

  it('refuses a code made with another secret', async () => {
    const code = await totpCode(newTotpSecret(), at(step));
    expect(await acceptTotp(secret, code, null, at(step))).toBeNull();
  });

  it('builds an otpauth URI with the Amani issuer', () => {
    const uri = totpUri(secret, 'staff@agency.example');
    expect(uri).toMatch(/^otpauth:\/\/totp\/Amani:staff%40agency\.example\?/);
    expect(uri).toContain(`secret=${secret}`);
    expect(uri).toContain('issuer=Amani');
  });
});
