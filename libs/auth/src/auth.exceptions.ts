import { DomainException } from '@amani/http';

/** Same answer for an unknown email, a wrong password, a locked or a disabled account. */
export class InvalidCredentialsProblem extends DomainException {
  constructor() {
    super(401, 'invalid_credentials', 'The email or password is incorrect.');
  }
}

export class UnauthenticatedProblem extends DomainException {
  constructor(code: 'unauthenticated' | 'token_expired' = 'unauthenticated') {
    super(
      401,
      code,
      code === 'token_expired' ? 'The access token has expired; refresh it.' : 'Authentication is required.',
    );
  }
}

export class InvalidRefreshTokenProblem extends DomainException {
  constructor() {
    super(401, 'invalid_refresh_token', 'The refresh token is not valid.');
  }
}

export class RefreshTokenReusedProblem extends DomainException {
  constructor() {
    super(401, 'refresh_token_reused', 'The refresh token was already used; the session has been revoked.');
  }
}

export class MfaRequiredProblem extends DomainException {
  constructor() {
    super(403, 'mfa_required', 'Complete multi-factor authentication first.');
  }
}

export class InvalidMfaCodeProblem extends DomainException {
  constructor() {
    super(401, 'invalid_mfa_code', 'The verification code is not valid.');
  }
}

export class ForbiddenProblem extends DomainException {
  constructor() {
    super(403, 'forbidden', 'Your role may not use this route.');
  }
}

export class PasswordPolicyProblem extends DomainException {
  constructor(message: string) {
    super(400, 'password_policy', 'The password does not meet the password policy.', [
      { field: 'password', message },
    ]);
  }
}

export class AwaitingApprovalProblem extends DomainException {
  constructor() {
    super(403, 'awaiting_approval', 'Your account is waiting for approval by a second person; until then only your profile is available.');
  }
}

export class InvalidInvitationProblem extends DomainException {
  constructor() {
    super(422, 'invalid_invitation', 'The invitation is not valid: it is unknown, already used or expired.', [
      { field: 'token', message: 'is not a valid invitation' },
    ]);
  }
}

export class NotAnApproverProblem extends DomainException {
  constructor(code: 'approver_is_inviter' | 'not_an_eligible_approver') {
    super(
      403,
      code,
      code === 'approver_is_inviter'
        ? 'Whoever issued the invitation cannot approve it; a second person must.'
        : 'You are not an eligible approver for this account.',
    );
  }
}
