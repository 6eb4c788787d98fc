//! Signing and verifying link and session tokens: the payload layout, the tag, the checks in order.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::Mac;

use crate::secret::LinkSecret;
use crate::subject::{ReaderKey, Subject, UnitId};
use crate::wire::{expiry_from_wire, expiry_to_wire, put_varint, take_varint};

/// The format of every token this version writes; any other first byte is `Malformed`.
pub(crate) const VERSION: u8 = 1;

/// Bytes of HMAC-SHA256 kept as the tag: 128 bits (see the crate documentation for 16 over 12).
pub const TAG_LEN: usize = 16;

/// The longest token text `verify` and `verify_csrf` decode; longer input is `Malformed` before any
/// work. The longest token this version can write is 210 characters (a 128-byte reader key, five-
/// byte varints), so 256 leaves room and keeps a hostile megabyte from being decoded or hashed.
pub const MAX_TOKEN_LEN: usize = 256;

/// Prefixed to every MAC input, so that a MAC computed by this crate can never equal one computed
/// with the same secret for some other use, should the secret ever be reused.
pub(crate) const DOMAIN: &[u8] = b"guiyan-links\0";

/// What a token with claims may be used for. Its byte is the second of the token and is covered by
/// the tag, so a link cannot serve as a session cookie nor the reverse.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Purpose {
    /// The link mailed to a unit or reader: long-lived (weeks), exchanged for a session on first use.
    Link,
    /// The session cookie that exchange sets: short-lived (hours).
    Session,
}

/// The purpose byte of a token: one more value than [`Purpose`], because CSRF tokens (which carry
/// no claims) share the format's first two bytes. The only place the byte is read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Link = 1,
    Session = 2,
    Csrf = 3,
}

impl Kind {
    pub(crate) fn from_byte(byte: u8) -> Option<Kind> {
        match byte {
            1 => Some(Kind::Link),
            2 => Some(Kind::Session),
            3 => Some(Kind::Csrf),
            _ => None,
        }
    }
}

impl From<Purpose> for Kind {
    fn from(purpose: Purpose) -> Kind {
        match purpose {
            Purpose::Link => Kind::Link,
            Purpose::Session => Kind::Session,
        }
    }
}

/// The subject kind byte, just before the subject's bytes.
const UNIT: u8 = 1;
const READER: u8 = 2;

/// What a link or session token says.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Claims {
    pub purpose: Purpose,
    pub subject: Subject,
    /// The subject's generation when the token was signed. The token is current only while it
    /// equals the generation the database holds for the subject (this crate does not know it):
    /// bumping that number revokes every earlier token of the subject, links and sessions alike.
    pub generation: u32,
    /// Unix seconds; the token is valid strictly before this moment. Carried rounded down to the
    /// minute (see [`effective_expiry`](crate::effective_expiry)): claims returned by [`verify`]
    /// hold the rounded value.
    pub expires_at: i64,
}

impl Claims {
    pub fn link(subject: Subject, generation: u32, expires_at: i64) -> Self {
        Claims { purpose: Purpose::Link, subject, generation, expires_at }
    }

    pub fn session(subject: Subject, generation: u32, expires_at: i64) -> Self {
        Claims { purpose: Purpose::Session, subject, generation, expires_at }
    }
}

/// Why a token was refused. The web answers every one of them with the same plain 403; the
/// variants are for its log. None of them says anything the token's holder could not read from the
/// token itself.
#[derive(Clone, Copy, PartialEq, Eq, Debug, thiserror::Error)]
pub enum TokenError {
    /// Not a token of this format: too long, not base64url, too short, an unknown version or
    /// purpose byte, or (only with a genuine tag, so never in practice) a body that does not parse.
    #[error("malformed token")]
    Malformed,
    /// The tag does not match: altered, truncated inside the tag, forged, or signed with another
    /// secret (one rotated away, another installation's).
    #[error("token signature does not match")]
    BadSignature,
    /// A token of another purpose, read from its purpose byte before the tag is checked: it says
    /// where a token was presented, not that the token is genuine.
    #[error("token of another purpose")]
    WrongPurpose,
    /// Genuine, but `now` is at or after its (rounded) expiry.
    #[error("token expired at {expired_at} (Unix seconds)")]
    Expired { expired_at: i64 },
}

/// The token of `claims`: base64url without padding, 50 characters for a typical unit link (see
/// the crate documentation for the layout and lengths).
pub fn sign(secret: &LinkSecret, claims: &Claims) -> String {
    let (kind, text) = match &claims.subject {
        Subject::Unit(id) => (UNIT, id.as_str()),
        Subject::Reader(key) => (READER, key.as_str()),
    };
    let mut bytes = Vec::with_capacity(2 + 5 + 5 + 1 + text.len() + TAG_LEN);
    bytes.push(VERSION);
    bytes.push(Kind::from(claims.purpose) as u8);
    put_varint(&mut bytes, claims.generation);
    put_varint(&mut bytes, expiry_to_wire(claims.expires_at));
    bytes.push(kind);
    // The subject runs to the tag: its length is what is left, so it needs no length byte.
    bytes.extend_from_slice(text.as_bytes());
    let tag = secret.mac().chain_update(DOMAIN).chain_update(&bytes).finalize().into_bytes();
    bytes.extend_from_slice(&tag[..TAG_LEN]);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The claims of `token` if it is a genuine, unexpired token of `purpose` signed with `secret`.
///
/// Checks, in order: length and base64url (`Malformed`), version and purpose bytes (`Malformed`
/// when unknown, `WrongPurpose` when another's), the tag in constant time (`BadSignature`), then,
/// on authenticated bytes only, the body (`Malformed`) and the expiry (`Expired` when
/// `now >= expires_at`). The generation is the caller's to check against the database.
pub fn verify(secret: &LinkSecret, token: &str, purpose: Purpose, now: i64) -> Result<Claims, TokenError> {
    let bytes = decode(token)?;
    let (kind, _) = header(&bytes)?;
    if kind != Kind::from(purpose) {
        return Err(TokenError::WrongPurpose);
    }
    // The header is two bytes; a body needs at least a generation, an expiry, a subject kind and
    // one subject byte.
    if bytes.len() < 2 + 4 + TAG_LEN {
        return Err(TokenError::Malformed);
    }
    let (signed, tag) = bytes.split_at(bytes.len() - TAG_LEN);
    secret
        .mac()
        .chain_update(DOMAIN)
        .chain_update(signed)
        .verify_truncated_left(tag)
        .map_err(|_| TokenError::BadSignature)?;
    let claims = body(purpose, &signed[2..]).ok_or(TokenError::Malformed)?;
    if now >= claims.expires_at {
        return Err(TokenError::Expired { expired_at: claims.expires_at });
    }
    Ok(claims)
}

/// Base64url without padding, of at most [`MAX_TOKEN_LEN`] characters. The engine refuses padding
/// and non-zero trailing bits, so each byte string has exactly one accepted text.
pub(crate) fn decode(token: &str) -> Result<Vec<u8>, TokenError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(TokenError::Malformed);
    }
    URL_SAFE_NO_PAD.decode(token).map_err(|_| TokenError::Malformed)
}

/// The version and purpose bytes, and what follows them.
pub(crate) fn header(bytes: &[u8]) -> Result<(Kind, &[u8]), TokenError> {
    match bytes {
        [VERSION, kind, rest @ ..] => Kind::from_byte(*kind).map(|kind| (kind, rest)).ok_or(TokenError::Malformed),
        _ => Err(TokenError::Malformed),
    }
}

/// The claims in a body (generation, expiry, subject kind and bytes); `None` if it does not parse
/// or the subject breaks its rule.
fn body(purpose: Purpose, mut body: &[u8]) -> Option<Claims> {
    let generation = take_varint(&mut body)?;
    let expires_at = expiry_from_wire(take_varint(&mut body)?);
    let (&kind, text) = body.split_first()?;
    let text = std::str::from_utf8(text).ok()?;
    let subject = match kind {
        UNIT => Subject::Unit(UnitId::new(text).ok()?),
        READER => Subject::Reader(ReaderKey::new(text).ok()?),
        _ => return None,
    };
    Some(Claims { purpose, subject, generation, expires_at })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::wire::EXPIRY_EPOCH;
    use crate::{SECRET_LEN, effective_expiry};
    use proptest::prelude::*;

    pub(crate) fn secret() -> LinkSecret {
        LinkSecret::new(std::array::from_fn(|i| i as u8 * 7 + 1))
    }

    /// 2026-09-04T09:00:00Z, a working morning.
    pub(crate) const NOW: i64 = 1_788_512_400;
    const DAY: i64 = 86_400;

    pub(crate) fn unit_link() -> Claims {
        Claims::link(Subject::unit("street-12-c25").expect("valid"), 3, NOW + 21 * DAY)
    }

    fn reader_link() -> Claims {
        Claims::link(Subject::reader("zzb@shili.example.gov.cn").expect("valid"), 0, NOW + 21 * DAY)
    }

    /// Signs `bytes` as this crate would and appends the tag: tokens with bodies `sign` never
    /// writes, to reach the checks behind the tag.
    fn forge(secret: &LinkSecret, mut bytes: Vec<u8>) -> String {
        let tag = secret.mac().chain_update(DOMAIN).chain_update(&bytes).finalize().into_bytes();
        bytes.extend_from_slice(&tag[..TAG_LEN]);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    #[test]
    fn round_trips() {
        let secret = secret();
        for claims in [unit_link(), reader_link(), Claims { purpose: Purpose::Session, ..unit_link() }] {
            let token = sign(&secret, &claims);
            assert_eq!(verify(&secret, &token, claims.purpose, NOW), Ok(claims));
        }
    }

    #[test]
    fn the_expiry_comes_back_rounded_down() {
        let secret = secret();
        let asked = Claims { expires_at: NOW + 3_600 + 59, ..unit_link() };
        let token = sign(&secret, &asked);
        let got = verify(&secret, &token, Purpose::Link, NOW).expect("valid");
        assert_eq!(got.expires_at, NOW + 3_600);
        assert_eq!(got.expires_at, effective_expiry(asked.expires_at));
    }

    #[test]
    fn a_token_is_valid_strictly_before_its_expiry() {
        let secret = secret();
        let claims = unit_link();
        let token = sign(&secret, &claims);
        let at = claims.expires_at;
        assert_eq!(verify(&secret, &token, Purpose::Link, at - 1), Ok(claims));
        assert_eq!(verify(&secret, &token, Purpose::Link, at), Err(TokenError::Expired { expired_at: at }));
        assert_eq!(verify(&secret, &token, Purpose::Link, at + 1), Err(TokenError::Expired { expired_at: at }));
        assert_eq!(verify(&secret, &token, Purpose::Link, i64::MAX), Err(TokenError::Expired { expired_at: at }));
        assert!(verify(&secret, &token, Purpose::Link, i64::MIN).is_ok());
    }

    #[test]
    fn expiries_before_2020_are_carried_as_2020() {
        let secret = secret();
        let token = sign(&secret, &Claims { expires_at: 0, ..unit_link() });
        let expired = TokenError::Expired { expired_at: EXPIRY_EPOCH };
        assert_eq!(verify(&secret, &token, Purpose::Link, NOW), Err(expired));
    }

    #[test]
    fn purposes_do_not_stand_in_for_each_other() {
        let secret = secret();
        let link = sign(&secret, &unit_link());
        let session = sign(&secret, &Claims { purpose: Purpose::Session, ..unit_link() });
        assert_eq!(verify(&secret, &link, Purpose::Session, NOW), Err(TokenError::WrongPurpose));
        assert_eq!(verify(&secret, &session, Purpose::Link, NOW), Err(TokenError::WrongPurpose));

        // Rewriting the purpose byte does not help: the tag covers it.
        let mut bytes = URL_SAFE_NO_PAD.decode(&link).expect("base64");
        bytes[1] = Kind::Session as u8;
        let relabelled = URL_SAFE_NO_PAD.encode(&bytes);
        assert_eq!(verify(&secret, &relabelled, Purpose::Session, NOW), Err(TokenError::BadSignature));
    }

    #[test]
    fn another_secret_is_a_bad_signature() {
        let token = sign(&secret(), &unit_link());
        let other = LinkSecret::new([0x42; SECRET_LEN]);
        assert_eq!(verify(&other, &token, Purpose::Link, NOW), Err(TokenError::BadSignature));
        // Secrets differing in one bit are as different.
        let mut bytes: [u8; SECRET_LEN] = std::array::from_fn(|i| i as u8 * 7 + 1);
        bytes[31] ^= 1;
        assert_eq!(verify(&LinkSecret::new(bytes), &token, Purpose::Link, NOW), Err(TokenError::BadSignature));
    }

    #[test]
    fn every_single_bit_flip_is_refused() {
        let secret = secret();
        for claims in [unit_link(), reader_link()] {
            let token = sign(&secret, &claims);
            // In the bytes, re-encoded: every field and every tag bit is covered.
            let bytes = URL_SAFE_NO_PAD.decode(&token).expect("base64");
            for bit in 0..bytes.len() * 8 {
                let mut flipped = bytes.clone();
                flipped[bit / 8] ^= 1 << (bit % 8);
                let flipped = URL_SAFE_NO_PAD.encode(&flipped);
                assert!(verify(&secret, &flipped, Purpose::Link, NOW).is_err(), "byte bit {bit}");
            }
            // In the text, as a mangling mail client or SMS gateway would: including the padding
            // bits of the last character, which strict decoding refuses.
            for bit in 0..token.len() * 8 {
                let mut flipped = token.clone().into_bytes();
                flipped[bit / 8] ^= 1 << (bit % 8);
                let Ok(flipped) = String::from_utf8(flipped) else { continue };
                assert!(verify(&secret, &flipped, Purpose::Link, NOW).is_err(), "text bit {bit}: {flipped}");
            }
        }
    }

    #[test]
    fn every_truncation_and_extension_is_refused() {
        let secret = secret();
        let token = sign(&secret, &unit_link());
        for len in 0..token.len() {
            assert!(verify(&secret, &token[..len], Purpose::Link, NOW).is_err(), "first {len} characters");
            assert!(verify(&secret, &token[len + 1..], Purpose::Link, NOW).is_err(), "from {}", len + 1);
        }
        for extra in ["A", "AA", "AAA", "AAAA", "-", "_", "="] {
            assert!(verify(&secret, &format!("{token}{extra}"), Purpose::Link, NOW).is_err(), "+{extra}");
        }
        // Padding, whitespace around it, or the other base64 alphabet: a token has one text only.
        for variant in [format!("{token}=="), format!(" {token}"), format!("{token}\n"), token.replace(['-', '_'], "+")]
        {
            if variant != token {
                assert_eq!(verify(&secret, &variant, Purpose::Link, NOW), Err(TokenError::Malformed), "{variant:?}");
            }
        }
    }

    #[test]
    fn malformed_inputs_are_refused_without_panicking() {
        let secret = secret();
        let huge = "A".repeat(10_000_000);
        let just_over = "A".repeat(MAX_TOKEN_LEN + 1);
        for input in ["", "A", "AQ", "AQE", "%%%", "a b", "ğ", "AQEB\0", huge.as_str(), just_over.as_str()] {
            assert_eq!(verify(&secret, input, Purpose::Link, NOW), Err(TokenError::Malformed), "{:.20}", input);
        }
    }

    #[test]
    fn unknown_versions_and_purposes_are_malformed() {
        let secret = secret();
        let good = URL_SAFE_NO_PAD.decode(sign(&secret, &unit_link())).expect("base64");
        for version in [0, 2, 0xff] {
            let mut bytes = good[..good.len() - TAG_LEN].to_vec();
            bytes[0] = version;
            assert_eq!(verify(&secret, &forge(&secret, bytes), Purpose::Link, NOW), Err(TokenError::Malformed));
        }
        for purpose in [0, 4, 0xff] {
            let mut bytes = good[..good.len() - TAG_LEN].to_vec();
            bytes[1] = purpose;
            assert_eq!(verify(&secret, &forge(&secret, bytes), Purpose::Link, NOW), Err(TokenError::Malformed));
        }
    }

    #[test]
    fn bodies_sign_never_writes_are_malformed_even_when_signed() {
        let secret = secret();
        let link = Kind::Link as u8;
        let minutes: &[u8] = &[0x80, 0x80, 0x80, 0x01];
        let with = |parts: &[&[u8]]| [&[VERSION, link][..], &parts.concat()].concat();
        let cases = [
            with(&[&[0x03], minutes, &[UNIT]]),                                 // no subject bytes
            with(&[&[0x03], minutes, &[9], b"c25"]),                            // unknown subject kind
            with(&[&[0x03], minutes, &[UNIT], b"C25"]),                         // not a unit id
            with(&[&[0x03], minutes, &[UNIT], b"c25 "]),                        // not a unit id
            with(&[&[0x03], minutes, &[READER], b"a b"]),                       // not a reader key
            with(&[&[0x03], minutes, &[READER], &[0xff, 0xfe]]),                // not UTF-8
            with(&[&[0x83, 0x00], minutes, &[UNIT], b"c25"]),                   // a long varint
            with(&[&[0xff, 0xff, 0xff, 0xff, 0x1f], minutes, &[UNIT], b"c25"]), // over 32 bits
            with(&[&[0x03], &[0x80, 0x80], &[UNIT], b"c25"]),                   // a varint running into the subject
            with(&[&[0x03]]),                                                   // too short
        ];
        for bytes in cases {
            let token = forge(&secret, bytes.clone());
            assert_eq!(verify(&secret, &token, Purpose::Link, NOW), Err(TokenError::Malformed), "{bytes:02x?}");
        }
        // The same construction with a valid body is accepted: the cases fail for their body.
        let valid = forge(&secret, with(&[&[0x03], &[0xff, 0xff, 0xff, 0xff, 0x0f], &[UNIT], b"c25"]));
        assert!(verify(&secret, &valid, Purpose::Link, NOW).is_ok());
    }

    #[test]
    fn the_layout_is_as_documented() {
        // Generation 3, expiry 2026-09-25T09:00Z = 3,541,500 minutes since 2020 (0x3609fc).
        let bytes = URL_SAFE_NO_PAD.decode(sign(&secret(), &unit_link())).expect("base64");
        assert_eq!(bytes[..7], [VERSION, Kind::Link as u8, 0x03, 0xfc, 0x93, 0xd8, 0x01]);
        assert_eq!(bytes[7], UNIT);
        assert_eq!(&bytes[8..bytes.len() - TAG_LEN], b"street-12-c25");
        assert_eq!(bytes.len(), 2 + 1 + 4 + 1 + 13 + TAG_LEN);
    }

    #[test]
    fn token_lengths() {
        // The figures the crate documentation gives.
        let secret = secret();
        let unit = sign(&secret, &unit_link());
        assert_eq!(unit.len(), 50);
        assert_eq!(format!("https://guiyan.example.gov.cn/l/{unit}").len(), 82);
        assert_eq!(sign(&secret, &reader_link()).len(), 64);
        let longest = Claims {
            purpose: Purpose::Session,
            subject: Subject::reader(&"r".repeat(crate::MAX_READER_KEY_LEN)).expect("valid"),
            generation: u32::MAX,
            expires_at: i64::MAX,
        };
        assert_eq!(sign(&secret, &longest).len(), 210);
        assert!(sign(&secret, &longest).len() <= MAX_TOKEN_LEN);
        // Only characters that need no escaping in a URL path, a cookie value or an HTML attribute.
        assert!(unit.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    }

    #[test]
    fn the_same_claims_give_the_same_token() {
        // Deterministic: no nonce, no clock. Two sessions of one subject, generation and minute are
        // one credential, which is harmless (they grant the same thing until the same moment).
        let secret = secret();
        assert_eq!(sign(&secret, &unit_link()), sign(&secret, &unit_link()));
        assert_ne!(sign(&secret, &unit_link()), sign(&secret, &Claims { generation: 4, ..unit_link() }));
    }

    fn unit_ids() -> impl Strategy<Value = Subject> {
        "[a-z0-9][a-z0-9_-]{0,63}".prop_map(|id| Subject::unit(&id).expect("generated valid"))
    }

    fn reader_keys() -> impl Strategy<Value = Subject> {
        "[!-~]{1,128}".prop_map(|key| Subject::reader(&key).expect("generated valid"))
    }

    fn subjects() -> impl Strategy<Value = Subject> {
        prop_oneof![unit_ids(), reader_keys()]
    }

    fn purposes() -> impl Strategy<Value = Purpose> {
        prop_oneof![Just(Purpose::Link), Just(Purpose::Session)]
    }

    fn claims() -> impl Strategy<Value = Claims> {
        (purposes(), subjects(), any::<u32>(), any::<i64>())
            .prop_map(|(purpose, subject, generation, expires_at)| Claims { purpose, subject, generation, expires_at })
    }

    proptest! {
        #[test]
        fn any_claims_round_trip_until_they_expire(claims in claims(), now in any::<i64>()) {
            let secret = secret();
            let token = sign(&secret, &claims);
            prop_assert!(token.len() <= MAX_TOKEN_LEN);
            let carried = Claims { expires_at: effective_expiry(claims.expires_at), ..claims.clone() };
            let expected = if now < carried.expires_at {
                Ok(carried.clone())
            } else {
                Err(TokenError::Expired { expired_at: carried.expires_at })
            };
            prop_assert_eq!(verify(&secret, &token, claims.purpose, now), expected);
            let other = if claims.purpose == Purpose::Link { Purpose::Session } else { Purpose::Link };
            prop_assert_eq!(verify(&secret, &token, other, now), Err(TokenError::WrongPurpose));
        }

        #[test]
        fn any_bit_flip_of_any_token_is_refused(claims in claims(), bit in any::<prop::sample::Index>()) {
            let secret = secret();
            let mut bytes = URL_SAFE_NO_PAD.decode(sign(&secret, &claims)).expect("base64");
            let bit = bit.index(bytes.len() * 8);
            bytes[bit / 8] ^= 1 << (bit % 8);
            let flipped = URL_SAFE_NO_PAD.encode(&bytes);
            prop_assert!(verify(&secret, &flipped, claims.purpose, i64::MIN).is_err());
        }

        #[test]
        fn arbitrary_text_never_panics(text in ".{0,300}", now in any::<i64>()) {
            let _ = verify(&secret(), &text, Purpose::Link, now);
        }

        #[test]
        fn arbitrary_bytes_are_never_accepted(bytes in prop::collection::vec(any::<u8>(), 0..200), now: i64) {
            // Base64 of random bytes reaches past the decoder; a random 128-bit tag never matches.
            let token = URL_SAFE_NO_PAD.encode(&bytes);
            prop_assert!(verify(&secret(), &token, Purpose::Link, now).is_err());
            prop_assert!(verify(&secret(), &token, Purpose::Session, now).is_err());
        }

        #[test]
        fn arbitrary_bodies_with_genuine_tags_never_panic(body in prop::collection::vec(any::<u8>(), 0..150)) {
            // Whatever a signed body holds, verify answers; and what it accepts, it re-signs alike.
            let secret = secret();
            let mut bytes = vec![VERSION, Kind::Link as u8];
            bytes.extend(&body);
            let token = forge(&secret, bytes);
            if let Ok(claims) = verify(&secret, &token, Purpose::Link, i64::MIN) {
                prop_assert_eq!(sign(&secret, &claims), token);
            }
        }
    }
}
