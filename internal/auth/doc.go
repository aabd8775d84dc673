// Package auth holds Haven's credential primitives: password hashing and
// policy, TOTP, recovery codes, opaque tokens, session lifetime rules,
// sign-in rate-limit decisions and passkeys (WebAuthn). It is pure: no
// database, no HTTP handlers, no clock of its own (times are passed in), no
// other internal package. The app layer stores what it returns and calls it
// in the right order; the target is OWASP ASVS 5.0 level 3.
//
// # Passwords
//
// Hasher hashes with Argon2id (golang.org/x/crypto/argon2) and stores PHC
// strings, "$argon2id$v=19$m=65536,t=3,p=4$<salt>$<key>", with a 16-byte
// random salt and a 32-byte key. The default parameters are RFC 9106's
// second recommendation, t=3, m=64 MiB, p=4, well above the ASVS 5.0
// minimum of t=1, m=46 MiB, p=1 (MinParams); one hash takes about 75 ms on
// the project's 2-core machine (BenchmarkHashDefault). Verify compares in
// constant time, refuses (EINTERNAL, ErrWeakHash or ErrMalformedHash) a
// stored string below the minimum or in any non-canonical form, and reports
// when a matching hash should be redone with the current parameters.
// VerifyDummy does the same work for an unknown username, so that timing
// does not tell which accounts exist.
//
// A Hasher computes at most Slots hashes at once (default 2, so at most
// 128 MiB); other callers wait up to their context's deadline (or MaxWait)
// and then get EUNAVAILABLE, so a flood of sign-in attempts costs a bounded
// amount of memory and CPU instead of taking the server down.
//
// Passwords are normalised to NFKC before hashing and counting. CheckPassword
// is the policy for a new password (ASVS 5.0 V6.2): at least 15 characters
// (Unicode code points), at most 1024 bytes, any printable Unicode, no
// composition rules and no expiry; not in the embedded blocklist of 474,743
// common and breached passwords (SecLists' top 1,000,000 of Mark Burnett's
// 10 million leaked passwords, entries of 8 characters or more, lower-cased:
// see README.md for source and licence), not the username or other context
// words, and not a few characters repeated. Its problems never quote the
// password.
//
// # Second factors
//
// NewTOTPSecret and CheckTOTP implement RFC 6238 TOTP as authenticator apps
// expect it (SHA-1, 6 digits, 30 s) with github.com/pquerna/otp. CheckTOTP
// accepts one step of clock skew either way, compares in constant time and
// refuses a code of a step at or before the last one used, returning the
// step to store. NewRecoveryCodes makes single-use recovery codes of 125
// random bits, stored as SHA-256 hashes (ASVS 5.0 V6.5.2 allows a plain hash
// at 112 bits and more); MatchRecoveryCode forgives case, spaces, dashes
// and look-alike digits.
//
// Passkeys wraps github.com/go-webauthn/webauthn for registration and
// sign-in, with a username or without (discoverable credentials). It
// requires user verification, asks for no attestation, checks origin, RP ID,
// challenge, ceremony type, the user's ownership of the credential and the
// ceremony's expiry, and (unlike go-webauthn on its own) refuses an
// assertion whose signature counter did not increase (ErrPasskeyCloned).
// Package authtest provides a software authenticator for tests.
//
// # Sessions, tokens and limits
//
// NewToken makes 256-bit opaque tokens with a recognisable prefix ("hs_" for
// sessions, "ht_" for API tokens); only HashToken's SHA-256 is stored, and
// CheckToken refuses a malformed token before any look-up. SessionPolicy
// ends a session after 30 minutes idle or 12 hours in all (ASVS 5.0 V7.3).
// Limits decide, from failure counters the app stores, whether a sign-in
// attempt may proceed: 5 failures per account and 20 per source address in
// 15 minutes, then lockouts doubling from 15 minutes (capped at 1 hour for
// an account, 24 hours for an address).
//
// # What the app layer does
//
// This package decides and computes; the app layer keeps state and orders
// the steps. In particular it must:
//
//   - Store only what is meant to be stored: the password's PHC string; the
//     TOTP secret encrypted at rest (vault) and the last used TOTP step;
//     the recovery code hashes; token hashes, never tokens; passkeys.
//   - Keep the failure counters per account and per source address in the
//     database (several Haven processes share it): read them, ask Allow for
//     both before verifying anything, and on failure write Fail's result, in
//     one transaction; reset the account's counters after a complete
//     sign-in. Count failed passwords, TOTP codes and recovery codes alike.
//     Answer a locked, an unknown and a wrong attempt with the same message,
//     and call VerifyDummy for an unknown username.
//   - On success, store what changed in the same transaction: a new hash
//     when Verify says rehash, the TOTP step, the deletion of a used
//     recovery code, the passkey's new counter and backup state.
//   - Keep a passkey ceremony's session on the server, bound to the
//     browser's pre-authentication session, and delete it before calling
//     Finish*, so it serves one attempt only (TestPasskeyZeroCounter shows
//     why). Show a new TOTP secret and recovery codes once, at enrolment.
//   - Create a new session token at every sign-in and at every change of
//     privilege (never reuse a pre-authentication one), send it only in a
//     Secure, HttpOnly, SameSite cookie (with the __Host- prefix), check
//     SessionPolicy.Valid and CheckToken on every request, update the
//     session's last use, and end sessions: delete the row at sign-out, on
//     expiry, and end every other session of a user whose password, second
//     factor or passkeys change or whose account is disabled.
//   - Require a recent re-authentication before changing credentials, and
//     notify the user of every credential change.
//   - Never log a password, code, token, secret or passkey response.
package auth
