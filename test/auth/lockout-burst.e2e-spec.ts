import { DataSource } from "typeorm";
import { AuditSequencer } from "@amani/audit";
import { createTestApp, TestApp } from "../support/app";
import { rememberSecret } from "../support/canary";
import { createUser, rememberTokens } from "../support/users";

/** Its own app (passport's strategies are process-global, so one app per file). */
describe("lockout under parallel guesses", () => {
  let burst: TestApp;
  let db: DataSource;
  const wrong = "Definitely wrong password 7";

  beforeAll(async () => {
    rememberSecret(wrong);
    burst = await createTestApp({
      LOGIN_MAX_FAILURES: "5",
      LOGIN_LOCKOUT_SECONDS: "300",
    });
    db = burst.app.get(DataSource);
  });
  afterAll(() => burst?.close());

  it("30 parallel logins (29 wrong, 1 right) with a limit of 5: at most 5 evaluated, never a 200 after the limit", async () => {
    const { user, email, password } = await createUser(burst, {
      role: "protection_officer",
    });
    const attempts = Array.from({ length: 30 }, (_, i) =>
      i === 17 ? password : `${wrong} ${i}`,
    );
    const results = await Promise.all(
      attempts.map((pw) =>
        burst.http().post("/auth/login").send({ email, password: pw }),
      ),
    );
    const statuses = results.map((r) => r.status);
    for (const r of results) if (r.status === 200) rememberTokens(r.body);
    expect(statuses.every((s) => s === 200 || s === 401)).toBe(true);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(1);

    await burst.app.get(AuditSequencer).flush();
    const events = await db.query<
      { outcome: string; details: { reason?: string } }[]
    >(
      `SELECT outcome, details FROM audit_events WHERE action = 'auth.login' AND target_id = $1`,
      [user.id],
    );
    // Evaluated = the password was actually checked: a wrong one, or the right one's success.
    const evaluated = events.filter(
      (e) => e.details.reason === "wrong_password" || e.outcome === "success",
    );
    expect(evaluated.length).toBeLessThanOrEqual(5);
    expect(events).toHaveLength(30);
    const [row] = await db.query<{ failed_logins: number; locked: boolean }[]>(
      `SELECT failed_logins, locked_until > now() AS locked FROM users WHERE id = $1`,
      [user.id],
    );
    if (statuses.includes(200)) {
      // The right one was among the first five and the account was not locked under it.
      expect(events.filter((e) => e.outcome === "success")).toHaveLength(1);
    } else {
      expect(row.locked).toBe(true);
      expect(row.failed_logins).toBe(5);
      // Locked: the right password answers exactly like a wrong one.
      const right = await burst
        .http()
        .post("/auth/login")
        .send({ email, password });
      expect(right.status).toBe(401);
      expect(right.body.code).toBe("invalid_credentials");
    }
  });
});
