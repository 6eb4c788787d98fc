//! Display width in terminal columns, where CJK characters (and full-width punctuation) take two:
//! what aligns the text renderer's tables and sizes the `.xlsx` columns.

use unicode_width::UnicodeWidthStr;

/// The columns `text` takes in a monospaced font with CJK characters two columns wide.
pub(crate) fn columns(text: &str) -> usize {
    // `width_cjk` would also make ambiguous characters ("—", "①") two wide, which Western
    // terminals do not; the plain width already counts ideographs and full-width forms as two.
    UnicodeWidthStr::width(text)
}
