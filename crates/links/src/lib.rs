//! Signed, short, self-contained tokens for the web front door: the link each unit (and each
//! leadership reader) receives by mail, SMS or WeChat, the session cookie its first visit exchanges
//! the link for, and the CSRF tokens of that session's forms. Pure: no IO, no clock (`now` is a
//! parameter), no randomness (the caller supplies the secret).
//!
//! ```
//! use links::{Claims, LinkSecret, Purpose, Subject, TokenError, csrf_token, sign, verify, verify_csrf};
//!
//! // Generated once with the OS RNG and kept in the database; fixed here for the example.
//! let secret = LinkSecret::new([7; 32]);
//! let now = 1_788_512_400; // 2026-09-04T09:00:00Z
//! let unit = Subject::unit("street-12-c25").unwrap();
//!
//! // The link mailed to the unit, valid three weeks, of the unit's generation 3.
//! let link = sign(&secret, &Claims::link(unit.clone(), 3, now + 21 * 86_400));
//! assert_eq!(link.len(), 50);
//!
//! // Its first visit: the web checks the link (and the generation against the database)…
//! let claims = verify(&secret, &link, Purpose::Link, now).unwrap();
//! assert_eq!((claims.subject.as_str(), claims.generation), ("street-12-c25", 3));
//! // …and sets a session cookie for eight hours, whose forms carry its CSRF token.
//! let cookie = sign(&secret, &Claims::session(claims.subject, claims.generation, now + 8 * 3_600));
//! let csrf = csrf_token(&secret, &cookie);
//! assert_eq!(verify_csrf(&secret, &csrf, &cookie), Ok(()));
//!
//! // A link is not a cookie, nor the reverse.
//! assert_eq!(verify(&secret, &link, Purpose::Session, now), Err(TokenError::WrongPurpose));
//! assert_eq!(verify(&secret, &cookie, Purpose::Link, now), Err(TokenError::WrongPurpose));
//! ```
//!
//! # Format (version 1)
//!
//! A token is the base64url text, without padding, of these bytes:
//!
//! | bytes | field |
//! |---|---|
//! | 1 | version: `0x01`; any other is `Malformed`, so the format can change later |
//! | 1 | purpose: `0x01` link, `0x02` session, `0x03` CSRF (below); any other is `Malformed` |
//! | 1–5 | generation: unsigned LEB128 varint, shortest form only (1 byte below 128) |
//! | 1–5 | expiry: whole minutes since 2020-01-01T00:00:00Z, rounded down, as a varint (4 bytes from 2024 to 2530) |
//! | 1 | subject kind: `0x01` unit, `0x02` reader |
//! | 1–128 | the unit id or reader key (ASCII); its length is what remains before the tag, so no length byte |
//! | 16 | tag: the first 16 bytes of HMAC-SHA256(secret, `"guiyan-links\0"` ‖ every byte above) |
//!
//! A CSRF token is version `0x01`, purpose `0x03` and a 16-byte tag: the first 16 bytes of
//! HMAC-SHA256(secret, `"guiyan-links\0"` ‖ `0x01 0x03` ‖ the session token's text). 18 bytes, 24
//! characters.
//!
//! Decoding is strict — no padding, no non-zero trailing bits, shortest varints, the subject's rule
//! — so a token has exactly one text and a token's text can't be varied into a second valid one.
//!
//! # Lengths
//!
//! A link or session token is 24 bytes plus the subject's length (generation below 128, expiry
//! between 2024 and 2530); its text is 4/3 of that, rounded up. Measured (the `token_lengths` test):
//!
//! | token | characters |
//! |---|---|
//! | unit `street-12-c25` | 50 (`https://guiyan.example.gov.cn/l/<token>`: 82) |
//! | reader `zzb@shili.example.gov.cn` | 64 (the URL: 96) |
//! | the longest (a 128-character reader key, both varints 5 bytes) | 210 ([`MAX_TOKEN_LEN`] is 256) |
//! | CSRF | 24 |
//!
//! The unit link fits one GSM-7 SMS (160 characters) with 78 to spare. A Chinese message is sent
//! as UCS-2, 70 characters a segment (67 when concatenated): the link alone is longer, so any
//! Chinese text with a link is a concatenated SMS of two segments (up to 134 characters: the link
//! and 52 characters of text), which phones show as one message. WeChat has no such limit.
//!
//! # Decisions
//!
//! - **A 128-bit tag.** Forgery is online only: every guess is a request to the server, each with a
//!   2⁻¹²⁸ chance. 96 bits would be out of reach too, but would save 6 characters (76 for the unit
//!   link's URL instead of 82), which does not spare the second UCS-2 segment either; so the tag
//!   keeps the conventional 128 bits. Compared with `verify_truncated_left` (constant-time, via
//!   `subtle`); what `verify` does before the tag (length, base64, the two header bytes) depends only
//!   on bytes an attacker already has.
//! - **Minutes, rounded down.** Hours would save one byte but cut up to 59 minutes off a session;
//!   rounding down means a token never outlives what its signer asked. [`effective_expiry`] gives
//!   the carried value (for a cookie's `Expires`), and [`verify`] returns it.
//! - **The boundary.** A token is valid strictly before `expires_at`: at `now == expires_at` it is
//!   `Expired`. The expiry names the first second it no longer works.
//! - **The purpose is read first.** `WrongPurpose` comes from the purpose byte before the tag is
//!   checked: the byte is plaintext anyway and the tag covers it (relabelling a link as a session is
//!   `BadSignature`), so the answer reveals nothing; it tells the log where a token was presented,
//!   not that it was genuine. The body is parsed only after the tag matched.
//! - **CSRF tokens carry no claims.** They are not [`Claims`] with purpose CSRF but a tag over the
//!   session token ([`csrf_token`], [`verify_csrf`]): their subject, generation and expiry would
//!   repeat the session's, which the web checks on the same request anyway. So the API cannot make
//!   a CSRF token that is bound to no session, nor check one without the session; a CSRF token
//!   dies with its session (expiry or generation bump) and has no second expiry to keep in step;
//!   it is 24 characters. Hence [`Purpose`] has only `Link` and `Session`. The price: a renewed
//!   session cookie (a new expiry) orphans the CSRF tokens of pages served under the old one, so
//!   the web should give a session its lifetime once, at the link's exchange, rather than slide it.
//!   A CSRF token is the same on every page of a session; the web should not compress responses
//!   that carry it next to attacker-chosen text (BREACH).
//! - **No nonce or `issued_at` in sessions.** Revocation is by generation, lifetime by expiry; a
//!   nonce would only tell apart two sessions of one subject, generation and minute, which grant
//!   the same thing until the same moment (and the crate draws no randomness). Signing is
//!   deterministic: equal claims give equal tokens.
//! - **Revocation is the caller's comparison.** A token is current while its generation *equals*
//!   the subject's generation in the database; bumping it revokes the subject's links and sessions
//!   together. Rotating the secret revokes everything (to rotate gently, verify with the new secret,
//!   then the old, for a while).
//! - **Signed, not encrypted.** Anyone holding a token can read its subject: a unit id is no secret,
//!   but an e-mail address as a reader key ends up in mail archives, browser histories and proxy
//!   logs; prefer opaque reader keys. The web should exchange a link for the cookie at once and
//!   redirect to a URL without the token (with `Referrer-Policy: no-referrer`), so the token does
//!   not leak onward.
//! - **A domain label** (`"guiyan-links\0"`) starts every MAC input, so should the secret ever key
//!   another HMAC, no message of this crate's could be taken for one of the other's.

mod csrf;
mod secret;
mod subject;
mod token;
mod wire;

pub use csrf::{csrf_token, verify_csrf};
pub use secret::{LinkSecret, SECRET_LEN, SecretLengthError};
pub use subject::{MAX_READER_KEY_LEN, MAX_UNIT_ID_LEN, ReaderKey, Subject, SubjectError, UnitId};
pub use token::{Claims, MAX_TOKEN_LEN, Purpose, TAG_LEN, TokenError, sign, verify};
pub use wire::{EXPIRY_EPOCH, EXPIRY_UNIT_SECS, effective_expiry};
