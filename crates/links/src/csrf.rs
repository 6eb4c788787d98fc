//! CSRF tokens: a tag over the session token they belong to, and nothing else.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::Mac;

use crate::secret::LinkSecret;
use crate::token::{DOMAIN, Kind, MAX_TOKEN_LEN, TAG_LEN, TokenError, VERSION, decode, header};

/// The CSRF token of the session whose cookie holds `session_token`: 24 characters, the same for
/// every page of that session. The tag covers the session token itself (after the version and
/// purpose bytes, which are the token's first two), so the CSRF token of one session is worth
/// nothing with another's cookie, and a CSRF token reveals nothing of the cookie it belongs to.
pub fn csrf_token(secret: &LinkSecret, session_token: &str) -> String {
    let mut bytes = vec![VERSION, Kind::Csrf as u8];
    let tag = csrf_mac(secret, &bytes, session_token).finalize().into_bytes();
    bytes.extend_from_slice(&tag[..TAG_LEN]);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether `token` is the CSRF token of `session_token`. Has no `now` and returns no claims: the
/// session carries both, and the web verifies the session cookie (with [`verify`](crate::verify))
/// on the same request, before this.
///
/// `Malformed` for a token or session token over [`MAX_TOKEN_LEN`] or not of this format,
/// `WrongPurpose` for a link or session token, `BadSignature` for a CSRF token of another session
/// or secret.
pub fn verify_csrf(secret: &LinkSecret, token: &str, session_token: &str) -> Result<(), TokenError> {
    if session_token.len() > MAX_TOKEN_LEN {
        return Err(TokenError::Malformed);
    }
    let bytes = decode(token)?;
    let (kind, tag) = header(&bytes)?;
    if kind != Kind::Csrf {
        return Err(TokenError::WrongPurpose);
    }
    if tag.len() != TAG_LEN {
        return Err(TokenError::Malformed);
    }
    csrf_mac(secret, &bytes[..2], session_token).verify_truncated_left(tag).map_err(|_| TokenError::BadSignature)
}

/// The MAC over the header and the session token. The session token is the last input, so its
/// length needs no prefix; and no link or session MAC input can equal it, their purpose byte being
/// another.
fn csrf_mac(secret: &LinkSecret, header: &[u8], session_token: &str) -> hmac::Hmac<sha2::Sha256> {
    secret.mac().chain_update(DOMAIN).chain_update(header).chain_update(session_token.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::tests::{NOW, secret, unit_link};
    use crate::{Claims, Purpose, sign, verify};
    use proptest::prelude::*;

    fn session() -> String {
        sign(&secret(), &Claims { purpose: Purpose::Session, ..unit_link() })
    }

    #[test]
    fn a_csrf_token_belongs_to_its_session() {
        let secret = secret();
        let session = session();
        let csrf = csrf_token(&secret, &session);
        assert_eq!(csrf.len(), 24);
        assert_eq!(verify_csrf(&secret, &csrf, &session), Ok(()));
        assert_eq!(csrf_token(&secret, &session), csrf, "the same for every page of a session");

        // Another session of the same unit (a later expiry, a bumped generation): refused.
        for other in [
            sign(&secret, &Claims { purpose: Purpose::Session, expires_at: NOW + 7_200, ..unit_link() }),
            sign(&secret, &Claims { purpose: Purpose::Session, generation: 4, ..unit_link() }),
        ] {
            assert_eq!(verify_csrf(&secret, &csrf, &other), Err(TokenError::BadSignature));
        }
        // Another secret: refused.
        let other_secret = LinkSecret::new([9; crate::SECRET_LEN]);
        assert_eq!(verify_csrf(&other_secret, &csrf, &session), Err(TokenError::BadSignature));
    }

    #[test]
    fn csrf_tokens_and_claims_tokens_do_not_stand_in_for_each_other() {
        let secret = secret();
        let session = session();
        let link = sign(&secret, &unit_link());
        let csrf = csrf_token(&secret, &session);
        assert_eq!(verify(&secret, &csrf, Purpose::Session, NOW), Err(TokenError::WrongPurpose));
        assert_eq!(verify(&secret, &csrf, Purpose::Link, NOW), Err(TokenError::WrongPurpose));
        assert_eq!(verify_csrf(&secret, &session, &session), Err(TokenError::WrongPurpose));
        assert_eq!(verify_csrf(&secret, &link, &session), Err(TokenError::WrongPurpose));

        // A link or session token relabelled as CSRF: the tag is wrong (and the length too).
        let mut bytes = URL_SAFE_NO_PAD.decode(&link).expect("base64");
        bytes[1] = Kind::Csrf as u8;
        assert_eq!(verify_csrf(&secret, &URL_SAFE_NO_PAD.encode(&bytes), &session), Err(TokenError::Malformed));
        bytes.truncate(2 + TAG_LEN);
        assert_eq!(verify_csrf(&secret, &URL_SAFE_NO_PAD.encode(&bytes), &session), Err(TokenError::BadSignature));
    }

    #[test]
    fn every_single_bit_flip_and_truncation_is_refused() {
        let secret = secret();
        let session = session();
        let csrf = csrf_token(&secret, &session);
        let bytes = URL_SAFE_NO_PAD.decode(&csrf).expect("base64");
        for bit in 0..bytes.len() * 8 {
            let mut flipped = bytes.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            assert!(verify_csrf(&secret, &URL_SAFE_NO_PAD.encode(&flipped), &session).is_err(), "bit {bit}");
        }
        for bit in 0..csrf.len() * 8 {
            let mut flipped = csrf.clone().into_bytes();
            flipped[bit / 8] ^= 1 << (bit % 8);
            let Ok(flipped) = String::from_utf8(flipped) else { continue };
            assert!(verify_csrf(&secret, &flipped, &session).is_err(), "text bit {bit}");
        }
        for len in 0..csrf.len() {
            assert!(verify_csrf(&secret, &csrf[..len], &session).is_err(), "first {len}");
        }
        assert!(verify_csrf(&secret, &format!("{csrf}A"), &session).is_err());
        // The session token altered by one character: refused as well.
        let altered = format!("{}{}", &session[..session.len() - 1], if session.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(verify_csrf(&secret, &csrf, &altered), Err(TokenError::BadSignature));
    }

    #[test]
    fn malformed_inputs_are_refused_without_panicking() {
        let secret = secret();
        let session = session();
        let csrf = csrf_token(&secret, &session);
        let huge = "A".repeat(10_000_000);
        for input in ["", "A", "AQM", "%%%", huge.as_str()] {
            assert_eq!(verify_csrf(&secret, input, &session), Err(TokenError::Malformed), "{input:.20}");
        }
        assert_eq!(verify_csrf(&secret, &csrf, &huge), Err(TokenError::Malformed));
        assert_eq!(verify_csrf(&secret, &csrf, &"A".repeat(MAX_TOKEN_LEN + 1)), Err(TokenError::Malformed));
    }

    proptest! {
        #[test]
        fn any_session_text_binds(session in ".{0,256}", other in ".{0,256}") {
            let secret = secret();
            let csrf = csrf_token(&secret, &session);
            let fits = session.len() <= MAX_TOKEN_LEN;
            prop_assert_eq!(verify_csrf(&secret, &csrf, &session).is_ok(), fits);
            if other != session {
                prop_assert_eq!(verify_csrf(&secret, &csrf, &other), if other.len() <= MAX_TOKEN_LEN {
                    Err(TokenError::BadSignature)
                } else {
                    Err(TokenError::Malformed)
                });
            }
        }

        #[test]
        fn arbitrary_text_never_panics(text in ".{0,300}", session in ".{0,300}") {
            let _ = verify_csrf(&secret(), &text, &session);
        }
    }
}
