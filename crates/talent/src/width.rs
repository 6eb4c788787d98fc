//! Full-width characters folded to their ASCII forms, as Chinese input methods type digits and
//! letters (`１３８`, `Ｘ`) and the ideographic space.

/// `０`–`９`, `Ａ`–`Ｚ`, `ａ`–`ｚ` and the other full-width ASCII forms → ASCII; `　` (U+3000) → space.
pub fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Whether `c` is a space a worker may have typed or pasted: ASCII whitespace, the ideographic
/// space, the no-break space and the zero-width ones Excel cells carry.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{3000}' | '\u{00A0}' | '\u{200B}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width() {
        let folded: String = "１３８ＸｘＡ－＋　a".chars().map(fold).collect();
        assert_eq!(folded, "138XxA-+ a");
    }
}
