//! What a worker is told when the person being entered matches a record in another community's
//! book: that book's name and nothing else of the other record (not its name, number, phone or
//! address), so a match never becomes a way to read another book.

use campaign::Lang;

use crate::matching::MatchStrength;

/// The notice for a match of `strength` in the book of `other_book` (the community's name as the
/// directory gives it, e.g. 解放路第一社区); `None` when there is no match to tell.
pub fn other_book_notice(strength: MatchStrength, other_book: &str, lang: Lang) -> Option<String> {
    let text = match (strength, lang) {
        (MatchStrength::None, _) => return None,
        (MatchStrength::Same, Lang::Zh) => format!("该人员已在{other_book}登记（身份证号相同），请与该社区联系"),
        (MatchStrength::Same, Lang::En) => {
            format!(
                "This person is already registered by {other_book} (same ID number): please contact that community."
            )
        }
        (MatchStrength::Candidate, Lang::Zh) => format!("可能与{other_book}登记的人员重复，请与该社区联系"),
        (MatchStrength::Candidate, Lang::En) => {
            format!("Possibly the same person as one registered by {other_book}: please contact that community.")
        }
        (MatchStrength::Weak, Lang::Zh) => {
            format!("可能与{other_book}登记的人员重复（仅姓名、出生年月和所在村相同），请核对")
        }
        (MatchStrength::Weak, Lang::En) => format!(
            "Perhaps the same person as one registered by {other_book} (only the name, year and month of birth \
             and village agree): please check."
        ),
    };
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_names_the_book_only() {
        assert_eq!(
            other_book_notice(MatchStrength::Candidate, "解放路第一社区", Lang::Zh).as_deref(),
            Some("可能与解放路第一社区登记的人员重复，请与该社区联系")
        );
        assert_eq!(other_book_notice(MatchStrength::None, "解放路第一社区", Lang::Zh), None);
        for strength in [MatchStrength::Same, MatchStrength::Candidate, MatchStrength::Weak] {
            for lang in [Lang::Zh, Lang::En] {
                let text = other_book_notice(strength, "X社区", lang).unwrap();
                assert!(text.contains("X社区"), "{text}");
            }
        }
    }
}
