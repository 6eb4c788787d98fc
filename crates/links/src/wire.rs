//! The building blocks of the byte layout: canonical varints and the coarse expiry.

/// 2020-01-01T00:00:00Z in Unix seconds: expiries count from here, so they stay short.
pub const EXPIRY_EPOCH: i64 = 1_577_836_800;
/// Expiries are whole minutes: fine enough for a session's lifetime, and a minute's count since
/// 2020 takes four varint bytes until the year 2530 (hours would save one byte, but would cut up to
/// 59 minutes off a session).
pub const EXPIRY_UNIT_SECS: i64 = 60;

/// Appends `value` as an unsigned LEB128 varint: 7 bits a byte, low bits first, the high bit set on
/// every byte but the last. 1 to 5 bytes for a `u32`.
pub(crate) fn put_varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads a varint from the front of `bytes` and advances past it. Only the shortest encoding of a
/// `u32` is accepted (no trailing zero groups, nothing beyond 32 bits), so every value has exactly
/// one byte form and every token exactly one text: a token cannot be re-encoded into a second
/// valid token of the same claims.
pub(crate) fn take_varint(bytes: &mut &[u8]) -> Option<u32> {
    let mut value: u32 = 0;
    for (i, &byte) in bytes.iter().enumerate().take(5) {
        let group = u32::from(byte & 0x7f);
        if i == 4 && byte > 0x0f {
            // The fifth byte carries bits 28–31 only; more would overflow, a high bit would
            // continue past 32 bits.
            return None;
        }
        value |= group << (7 * i);
        if byte & 0x80 == 0 {
            if i > 0 && byte == 0 {
                // A last group of zero: a longer form of a shorter encoding.
                return None;
            }
            *bytes = &bytes[i + 1..];
            return Some(value);
        }
    }
    None
}

/// The expiry as carried: whole minutes since [`EXPIRY_EPOCH`], rounded *down*, so a token never
/// outlives the moment its signer asked for. Clamped to the `u32` range: an expiry before 2020
/// becomes 2020-01-01 00:00 UTC (long past for any server that issues these tokens, so the token is
/// expired as asked), one beyond the year 10186 becomes the largest count (rounding down again).
pub(crate) fn expiry_to_wire(expires_at: i64) -> u32 {
    let minutes = expires_at.saturating_sub(EXPIRY_EPOCH).div_euclid(EXPIRY_UNIT_SECS);
    u32::try_from(minutes.max(0)).unwrap_or(u32::MAX)
}

pub(crate) fn expiry_from_wire(minutes: u32) -> i64 {
    EXPIRY_EPOCH + i64::from(minutes) * EXPIRY_UNIT_SECS
}

/// The expiry a token signed with `expires_at` will carry and report: `expires_at` rounded down to
/// the minute, clamped to 2020-01-01 .. about the year 10186. The web uses it for a cookie's
/// `Expires`, so the browser drops the cookie when the server stops accepting it.
pub fn effective_expiry(expires_at: i64) -> i64 {
    expiry_from_wire(expiry_to_wire(expires_at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn varint(value: u32) -> Vec<u8> {
        let mut out = Vec::new();
        put_varint(&mut out, value);
        out
    }

    #[test]
    fn varint_lengths() {
        let cases: [(u32, &[u8]); 7] = [
            (0, &[0x00]),
            (1, &[0x01]),
            (127, &[0x7f]),
            (128, &[0x80, 0x01]),
            (300, &[0xac, 0x02]),
            (1 << 21, &[0x80, 0x80, 0x80, 0x01]),
            (u32::MAX, &[0xff, 0xff, 0xff, 0xff, 0x0f]),
        ];
        for (value, bytes) in cases {
            assert_eq!(varint(value), bytes, "{value}");
            let mut rest = bytes;
            assert_eq!(take_varint(&mut rest), Some(value));
            assert!(rest.is_empty());
        }
    }

    #[test]
    fn only_the_shortest_varint_is_read() {
        let refused: [&[u8]; 8] = [
            &[],                             // nothing
            &[0x80],                         // continues past the end
            &[0x80, 0x00],                   // zero, two bytes long
            &[0x81, 0x00],                   // one, two bytes long
            &[0xff, 0xff, 0xff, 0xff, 0x10], // 2^32: overflows
            &[0xff, 0xff, 0xff, 0xff, 0x8f], // a sixth byte announced
            &[0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
            &[0x80, 0x80, 0x80, 0x80, 0x00], // zero, five bytes long
        ];
        for bytes in refused {
            let mut rest = bytes;
            assert_eq!(take_varint(&mut rest), None, "{bytes:02x?}");
        }
        let mut rest: &[u8] = &[0x05, 0x09];
        assert_eq!(take_varint(&mut rest), Some(5));
        assert_eq!(rest, &[0x09], "the rest is left for the next field");
    }

    #[test]
    fn expiry_rounds_down_to_the_minute() {
        let t = EXPIRY_EPOCH + 1_000 * 60;
        assert_eq!(effective_expiry(t), t);
        assert_eq!(effective_expiry(t + 1), t);
        assert_eq!(effective_expiry(t + 59), t);
        assert_eq!(effective_expiry(t - 1), t - 60);
        assert_eq!(effective_expiry(EXPIRY_EPOCH), EXPIRY_EPOCH);
        assert_eq!(effective_expiry(EXPIRY_EPOCH - 1), EXPIRY_EPOCH, "before 2020: already past");
        assert_eq!(effective_expiry(i64::MIN), EXPIRY_EPOCH);
        assert_eq!(effective_expiry(i64::MAX), EXPIRY_EPOCH + i64::from(u32::MAX) * 60);
    }

    proptest! {
        #[test]
        fn varints_round_trip(value in any::<u32>(), tail in proptest::collection::vec(any::<u8>(), 0..4)) {
            let mut bytes = varint(value);
            let len = bytes.len();
            prop_assert!((1..=5).contains(&len));
            bytes.extend(&tail);
            let mut rest = bytes.as_slice();
            prop_assert_eq!(take_varint(&mut rest), Some(value));
            prop_assert_eq!(rest, tail.as_slice());
        }

        #[test]
        fn any_bytes_read_as_at_most_one_varint(bytes in proptest::collection::vec(any::<u8>(), 0..8)) {
            let mut rest = bytes.as_slice();
            if let Some(value) = take_varint(&mut rest) {
                // Whatever was read is the canonical form of its value.
                let used = bytes.len() - rest.len();
                prop_assert_eq!(varint(value), &bytes[..used]);
            }
        }

        #[test]
        fn effective_expiry_is_never_later(expires_at in any::<i64>()) {
            let effective = effective_expiry(expires_at);
            if expires_at >= EXPIRY_EPOCH {
                prop_assert!(effective <= expires_at);
                prop_assert!(expires_at - effective < 60 || effective == expiry_from_wire(u32::MAX));
            }
            prop_assert_eq!(effective_expiry(effective), effective);
        }
    }
}
