//! The talent registry's rules (一人一档), pure: no IO, no clock (`today` is a parameter), no
//! randomness, no keys.
//!
//! What a person record may hold and how it is read from what offices type:
//! - vocabularies, each one enum with one parse accepting the Chinese label, a stable English key
//!   (the serde and storage form) and listed aliases, and `label(Lang)` for display: [`Gender`],
//!   [`Category`], [`Education`], [`ReturnIntent`], [`PoolStatus`], [`PoolRoute`], [`FamilyNeed`],
//!   [`Channel`], [`BookRole`], [`LegalBasis`], [`RightsRequestKind`], [`RequestChannel`],
//!   [`RequestOutcome`], [`ReviewDecision`], [`SuggestionState`] (with its transitions) and [`Field`] (the form's fields and the sheet's headers); the [`Vocabulary`]
//!   trait treats them alike;
//! - identity: [`IdNumber`] (GB 11643-1999, MOD 11-2, 15-digit numbers upgraded), [`Mobile`],
//!   [`BirthYearMonth`], [`PersonName`] and [`normalise_name`];
//! - [`validate`]: a [`PersonDraft`] of strings (a form, a spreadsheet row) → [`PersonFields`], or
//!   every [`FieldError`] at once;
//! - masking for display ([`mask_mobile`], [`mask_id_number`], [`mask_address`], [`mask_name`]);
//! - the matching ladder ([`match_strength`] over [`MatchFacts`], which [`MatchKeys::compare`]
//!   builds from two records' blind indexes), and [`other_book_notice`], what a worker is told of
//!   a match in another community's book: its name, nothing of the record;
//! - [`ArchiveNumber`], a community book's `{unit}-{seq:04}`;
//! - [`validate_followup`]: a [`FollowUpDraft`] typed on a phone → [`FollowUpFields`], or every
//!   [`FollowUpError`]; [`Pin`], a unit's six-digit PIN and what makes one too easy to guess;
//! - a request's due date ([`request_due`], [`REQUEST_DUE_DAYS`]) and a record's retention review
//!   date ([`retention_review_date`], [`RETENTION_REVIEW_YEARS`]).
//!
//! ```
//! use campaign::Lang;
//! use chrono::NaiveDate;
//! use talent::{Field, PersonDraft, ReturnIntent, mask_address, mask_mobile, validate};
//!
//! let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
//! let mut row = PersonDraft::default();
//! row.set(Field::Name, "张 三");
//! row.set(Field::IdNumber, "11010519491231002ｘ");
//! row.set(Field::Mobile, "+86 138-0013-8000");
//! row.set(Field::Address, "山东省济南市历下区解放路街道解放路第一社区3号楼2单元501");
//! row.set(Field::ReturnIntent, "创业");
//! let person = validate(&row, today).unwrap();
//! assert_eq!(person.name.as_str(), "张三");
//! assert_eq!(person.return_intent, ReturnIntent::StartBusiness);
//! assert_eq!(mask_mobile(person.mobile.as_ref().unwrap()), "138****8000");
//! assert_eq!(mask_address(person.address.as_deref().unwrap()), "山东省济南市历下区解放路街道****");
//!
//! row.set(Field::IdNumber, "110105194912310021");
//! let errors = validate(&row, today).unwrap_err();
//! assert_eq!(errors[0].render(Lang::Zh), "身份证号：身份证号校验位不符：按前17位应为“X”，填的是“1”，请核对号码");
//! ```
//!
//! Personal values print masked through `Debug` (`IdNumber(1101**********002X)`), so a stray
//! `{:?}` in a log shows nothing a list would not.

mod archive;
mod birth;
mod contact;
mod draft;
mod duplicate_notice;
mod family_need;
mod field;
mod followup;
mod id_number;
mod intent;
mod legal;
mod mask;
mod matching;
mod mobile;
mod name;
mod person_vocab;
mod pin;
mod rights_request;
mod suggestion;
mod suggestion_category;
mod vocabulary;
mod width;

pub use archive::{ArchiveNumber, ArchiveNumberError};
pub use birth::{BirthError, BirthYearMonth};
pub use contact::{BookRole, Channel};
pub use draft::{FieldError, FieldProblem, PersonDraft, PersonFields, max_chars, validate};
pub use duplicate_notice::other_book_notice;
pub use family_need::{FamilyNeed, parse_family_needs};
pub use field::Field;
pub use followup::{
    FollowUpDraft, FollowUpError, FollowUpField, FollowUpFields, FollowUpProblem, MAX_SUMMARY_CHARS, validate_followup,
};
pub use id_number::{IdNumber, IdNumberError, check_character, normalise_id_text};
pub use intent::{PoolRoute, PoolStatus, ReturnIntent};
pub use legal::{LegalBasis, RightsRequestKind};
pub use mask::{ADDRESS_MASK, mask_address, mask_id_number, mask_mobile, mask_name};
pub use matching::{Fact, MatchFacts, MatchKeys, MatchStrength, match_strength};
pub use mobile::{Mobile, MobileError};
pub use name::{MAX_NAME_CHARS, NameError, PersonName, normalise_name};
pub use person_vocab::{Category, Education, Gender};
pub use pin::{PIN_DIGITS, Pin, PinError};
pub use rights_request::{
    REQUEST_DUE_DAYS, RETENTION_REVIEW_YEARS, RequestChannel, RequestOutcome, ReviewDecision, request_due,
    request_overdue, retention_review_date, review_due,
};
pub use suggestion::SuggestionState;
pub use suggestion_category::SuggestionCategory;
pub use vocabulary::{UnknownValue, Vocabulary};

#[cfg(test)]
mod every_vocabulary {
    use super::*;
    use campaign::Lang;

    /// Every spelling of every value parses to that value (so no alias is shadowed by another
    /// value's label), every value has both labels, and the keys are stable kebab-case.
    fn check<V: Vocabulary>() {
        let mut seen = std::collections::BTreeMap::new();
        for &value in V::all() {
            assert!(!value.label(Lang::Zh).is_empty() && !value.label(Lang::En).is_empty());
            assert!(value.key().bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{}", value.key());
            assert_eq!(value.spellings()[0], value.label(Lang::Zh));
            for spelling in value.spellings() {
                assert_eq!(V::parse(spelling), Ok(value), "{}: “{spelling}”", V::NAME);
                assert_eq!(V::parse(&format!(" {spelling}\u{3000}")), Ok(value), "{}: padded “{spelling}”", V::NAME);
                if let Some(other) = seen.insert(spelling.to_string(), value) {
                    panic!("{}: “{spelling}” spells {other:?} and {value:?}", V::NAME);
                }
            }
        }
    }

    #[test]
    fn spellings_are_unique_and_parse_back() {
        check::<Gender>();
        check::<Category>();
        check::<Education>();
        check::<ReturnIntent>();
        check::<PoolStatus>();
        check::<PoolRoute>();
        check::<FamilyNeed>();
        check::<Channel>();
        check::<BookRole>();
        check::<LegalBasis>();
        check::<RightsRequestKind>();
        check::<SuggestionState>();
        check::<RequestChannel>();
        check::<RequestOutcome>();
        check::<ReviewDecision>();
        check::<SuggestionCategory>();
        check::<Field>();
    }
}
