// The domain's contexts are imported by their own barrels (`@amani/domain/cases`, `@amani/domain/referrals`, …).
// Identity (users, agencies, roles, sessions) lives below the domain, in `@amani/auth`.
export {};
