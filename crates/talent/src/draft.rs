//! A person as typed (a form, a spreadsheet row) and its validation into typed fields, reporting
//! every field's problem at once — the web form shows each beside its field, the import hands the
//! row back with all of them.
//!
//! Decisions:
//! - Required: the name, and **an ID number or a mobile** (either may be left out, not both). A
//!   record needs one of them to be matched on a blind index across the district (same ID → same
//!   person; same mobile and name → a candidate) and to be contacted at all; a row with neither
//!   could only ever be a weak match, so importing the sheet again would add it again.
//! - The category may be empty: 排查登记 comes before 分类 in how offices work, so a person is
//!   classified later. Several categories may be given, separated as family needs are.
//! - An empty 返乡意愿 is 未知 (`Unknown`).
//! - Gender and year-month of birth, when empty, are taken from the ID number; when given, they
//!   must agree with it (a disagreement is a typo in one of them, which only the worker can settle).
//! - Free text is one line (the note may span lines), without control characters, and bounded.

use std::fmt;

use campaign::{Lang, TextShape, first_forbidden};
use chrono::NaiveDate;

use crate::birth::{BirthError, BirthYearMonth};
use crate::family_need::{FamilyNeed, parse_family_needs};
use crate::field::Field;
use crate::id_number::{IdNumber, IdNumberError};
use crate::intent::ReturnIntent;
use crate::mobile::{Mobile, MobileError};
use crate::name::{NameError, PersonName};
use crate::person_vocab::{Category, Education, Gender};
use crate::vocabulary::UnknownValue;

/// A person as typed: every field a string, empty when not given.
#[derive(Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub struct PersonDraft {
    pub name: String,
    pub gender: String,
    pub birth_year_month: String,
    pub id_number: String,
    pub mobile: String,
    pub address: String,
    pub employer: String,
    pub work_place: String,
    pub category: String,
    pub education: String,
    pub specialty: String,
    pub return_intent: String,
    pub family_needs: String,
    pub note: String,
}

impl PersonDraft {
    /// The text of one field.
    pub fn get(&self, field: Field) -> &str {
        match field {
            Field::Name => &self.name,
            Field::Gender => &self.gender,
            Field::BirthYearMonth => &self.birth_year_month,
            Field::IdNumber => &self.id_number,
            Field::Mobile => &self.mobile,
            Field::Address => &self.address,
            Field::Employer => &self.employer,
            Field::WorkPlace => &self.work_place,
            Field::Category => &self.category,
            Field::Education => &self.education,
            Field::Specialty => &self.specialty,
            Field::ReturnIntent => &self.return_intent,
            Field::FamilyNeeds => &self.family_needs,
            Field::Note => &self.note,
        }
    }

    /// Sets one field (the importer, column by column).
    pub fn set(&mut self, field: Field, text: impl Into<String>) {
        let slot = match field {
            Field::Name => &mut self.name,
            Field::Gender => &mut self.gender,
            Field::BirthYearMonth => &mut self.birth_year_month,
            Field::IdNumber => &mut self.id_number,
            Field::Mobile => &mut self.mobile,
            Field::Address => &mut self.address,
            Field::Employer => &mut self.employer,
            Field::WorkPlace => &mut self.work_place,
            Field::Category => &mut self.category,
            Field::Education => &mut self.education,
            Field::Specialty => &mut self.specialty,
            Field::ReturnIntent => &mut self.return_intent,
            Field::FamilyNeeds => &mut self.family_needs,
            Field::Note => &mut self.note,
        };
        *slot = text.into();
    }
}

impl fmt::Debug for PersonDraft {
    /// Names only the fields that are filled: a draft holds personal data, which must not reach a
    /// log through `{:?}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let filled: Vec<&str> =
            Field::ALL.iter().filter(|x| !self.get(**x).trim().is_empty()).map(|x| x.key()).collect();
        f.debug_struct("PersonDraft").field("filled", &filled).finish()
    }
}

/// A validated person. Not `Serialize`: the store decides which fields are encrypted, and a
/// plaintext ID number, mobile or address must not end up in JSON by accident. Its `Debug` is
/// masked for the same reason.
#[derive(Clone, PartialEq, Eq)]
pub struct PersonFields {
    pub name: PersonName,
    pub gender: Option<Gender>,
    pub birth_year_month: Option<BirthYearMonth>,
    pub id_number: Option<IdNumber>,
    pub mobile: Option<Mobile>,
    pub address: Option<String>,
    pub employer: Option<String>,
    pub work_place: Option<String>,
    pub categories: Vec<Category>,
    pub education: Option<Education>,
    pub specialty: Option<String>,
    pub return_intent: ReturnIntent,
    pub family_needs: Vec<FamilyNeed>,
    pub note: Option<String>,
}

impl fmt::Debug for PersonFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let chars = |t: &Option<String>| t.as_ref().map(|t| t.chars().count());
        f.debug_struct("PersonFields")
            .field("name", &self.name)
            .field("gender", &self.gender)
            .field("birth_year_month", &self.birth_year_month)
            .field("id_number", &self.id_number)
            .field("mobile", &self.mobile)
            .field("address", &self.address.as_deref().map(crate::mask::mask_address))
            .field("employer_chars", &chars(&self.employer))
            .field("work_place_chars", &chars(&self.work_place))
            .field("categories", &self.categories)
            .field("education", &self.education)
            .field("specialty_chars", &chars(&self.specialty))
            .field("return_intent", &self.return_intent)
            .field("family_needs", &self.family_needs)
            .field("note_chars", &chars(&self.note))
            .finish()
    }
}

/// The longest text kept in each free-text field, in characters.
pub fn max_chars(field: Field) -> usize {
    match field {
        Field::Address => 200,
        Field::Employer | Field::WorkPlace => 100,
        Field::Specialty => 200,
        Field::Note => 500,
        _ => 40,
    }
}

/// One problem of one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub problem: FieldProblem,
}

/// What is wrong with a field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldProblem {
    /// A required field is empty.
    Required,
    /// Neither an ID number nor a mobile was given (reported at the mobile).
    IdNumberOrMobileRequired,
    Name(NameError),
    IdNumber(IdNumberError),
    Mobile(MobileError),
    BirthYearMonth(BirthError),
    /// A value outside a vocabulary.
    Unknown(UnknownValue),
    /// The given year-month of birth is not the one in the ID number.
    BirthDisagreesWithIdNumber {
        in_id_number: BirthYearMonth,
    },
    /// The given gender is not the one the ID number encodes.
    GenderDisagreesWithIdNumber {
        in_id_number: Gender,
    },
    TooLong {
        chars: usize,
        max: usize,
    },
    ControlCharacter {
        at: usize,
    },
}

impl FieldError {
    /// The problem in words, without the field's name.
    pub fn message(&self, lang: Lang) -> String {
        match (&self.problem, lang) {
            (FieldProblem::Required, Lang::Zh) => "必填".into(),
            (FieldProblem::Required, Lang::En) => "required".into(),
            (FieldProblem::IdNumberOrMobileRequired, Lang::Zh) => "身份证号和联系电话至少填一项".into(),
            (FieldProblem::IdNumberOrMobileRequired, Lang::En) => "give an ID number or a mobile, or both".into(),
            (FieldProblem::Name(e), _) => e.message(lang),
            (FieldProblem::IdNumber(e), _) => e.message(lang),
            (FieldProblem::Mobile(e), _) => e.message(lang),
            (FieldProblem::BirthYearMonth(e), _) => e.message(lang),
            (FieldProblem::Unknown(e), _) => e.message(lang),
            (FieldProblem::BirthDisagreesWithIdNumber { in_id_number }, Lang::Zh) => {
                format!("与身份证号中的出生年月（{}）不一致", in_id_number.label(lang))
            }
            (FieldProblem::BirthDisagreesWithIdNumber { in_id_number }, Lang::En) => {
                format!("differs from the birth date in the ID number ({})", in_id_number.label(lang))
            }
            (FieldProblem::GenderDisagreesWithIdNumber { in_id_number }, Lang::Zh) => {
                format!("与身份证号中的性别（{}）不一致", in_id_number.label(lang))
            }
            (FieldProblem::GenderDisagreesWithIdNumber { in_id_number }, Lang::En) => {
                format!("differs from the gender in the ID number ({})", in_id_number.label(lang))
            }
            (FieldProblem::TooLong { chars, max }, Lang::Zh) => format!("过长（{chars}个字，最多{max}个）"),
            (FieldProblem::TooLong { chars, max }, Lang::En) => {
                format!("too long ({chars} characters, at most {max})")
            }
            (FieldProblem::ControlCharacter { at }, Lang::Zh) => format!("第{at}个字符是控制字符"),
            (FieldProblem::ControlCharacter { at }, Lang::En) => format!("character {at} is a control character"),
        }
    }

    /// `联系电话：手机号应为11位数字，这里是10位` — the reason column of an errors workbook.
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("{}：{}", self.field.label(lang), self.message(lang)),
            Lang::En => format!("{}: {}", self.field.label(lang), self.message(lang)),
        }
    }
}

/// Validates a draft; `today` bounds birth dates. Returns every problem, in field order.
pub fn validate(draft: &PersonDraft, today: NaiveDate) -> Result<PersonFields, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut fail = |field: Field, problem: FieldProblem| errors.push(FieldError { field, problem });
    let given = |field: Field| Some(draft.get(field).trim()).filter(|t| !t.is_empty());

    let name = match given(Field::Name) {
        None => {
            fail(Field::Name, FieldProblem::Required);
            None
        }
        Some(text) => PersonName::parse(text).map_err(|e| fail(Field::Name, FieldProblem::Name(e))).ok(),
    };
    let id_number = given(Field::IdNumber)
        .and_then(|t| IdNumber::parse(t, today).map_err(|e| fail(Field::IdNumber, FieldProblem::IdNumber(e))).ok());

    let gender = given(Field::Gender)
        .and_then(|t| Gender::parse(t).map_err(|e| fail(Field::Gender, FieldProblem::Unknown(e))).ok());
    if let (Some(g), Some(id)) = (gender, &id_number)
        && g != id.gender()
    {
        fail(Field::Gender, FieldProblem::GenderDisagreesWithIdNumber { in_id_number: id.gender() });
    }

    let birth = given(Field::BirthYearMonth).and_then(|t| {
        BirthYearMonth::parse(t, today).map_err(|e| fail(Field::BirthYearMonth, FieldProblem::BirthYearMonth(e))).ok()
    });
    if let (Some(b), Some(id)) = (birth, &id_number)
        && b.disagrees_with(id)
    {
        let in_id_number = BirthYearMonth::from_date(id.birth_date());
        fail(Field::BirthYearMonth, FieldProblem::BirthDisagreesWithIdNumber { in_id_number });
    }

    let mobile = given(Field::Mobile)
        .and_then(|t| Mobile::parse(t).map_err(|e| fail(Field::Mobile, FieldProblem::Mobile(e))).ok());
    if given(Field::IdNumber).is_none() && given(Field::Mobile).is_none() {
        fail(Field::Mobile, FieldProblem::IdNumberOrMobileRequired);
    }

    let mut text = |field: Field| -> Option<String> {
        let t = given(field)?;
        let shape = if field == Field::Note { TextShape::MultiLine } else { TextShape::Line };
        if let Some((at, _)) = first_forbidden(t, shape) {
            fail(field, FieldProblem::ControlCharacter { at });
            return None;
        }
        let chars = t.chars().count();
        if chars > max_chars(field) {
            fail(field, FieldProblem::TooLong { chars, max: max_chars(field) });
            return None;
        }
        Some(t.to_string())
    };
    let address = text(Field::Address);
    let employer = text(Field::Employer);
    let work_place = text(Field::WorkPlace);
    let specialty = text(Field::Specialty);
    let note = text(Field::Note);

    let mut categories = Vec::new();
    for item in draft.category.split(LIST_SEPARATORS).map(str::trim).filter(|s| !s.is_empty()) {
        match Category::parse(item) {
            Ok(c) if !categories.contains(&c) => categories.push(c),
            Ok(_) => {}
            Err(e) => fail(Field::Category, FieldProblem::Unknown(e)),
        }
    }
    let education = given(Field::Education)
        .and_then(|t| Education::parse(t).map_err(|e| fail(Field::Education, FieldProblem::Unknown(e))).ok());
    let return_intent = match given(Field::ReturnIntent) {
        None => Some(ReturnIntent::Unknown),
        Some(t) => ReturnIntent::parse(t).map_err(|e| fail(Field::ReturnIntent, FieldProblem::Unknown(e))).ok(),
    };
    let family_needs = parse_family_needs(&draft.family_needs)
        .map_err(|unknown| {
            for e in unknown {
                fail(Field::FamilyNeeds, FieldProblem::Unknown(e));
            }
        })
        .unwrap_or_default();

    errors.sort_by_key(|e| e.field);
    match (name, return_intent) {
        (Some(name), Some(return_intent)) if errors.is_empty() => Ok(PersonFields {
            name,
            gender: gender.or_else(|| id_number.as_ref().map(IdNumber::gender)),
            birth_year_month: birth.or_else(|| id_number.as_ref().map(|id| BirthYearMonth::from_date(id.birth_date()))),
            id_number,
            mobile,
            address,
            employer,
            work_place,
            categories,
            education,
            specialty,
            return_intent,
            family_needs,
            note,
        }),
        _ => Err(errors),
    }
}

/// What separates the items of a list cell (categories): 、，, ; ；/.
const LIST_SEPARATORS: &[char] = &['、', '，', ',', ';', '；', '/'];

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
    }

    fn row(cells: &[(Field, &str)]) -> PersonDraft {
        let mut d = PersonDraft::default();
        for (f, t) in cells {
            d.set(*f, *t);
        }
        d
    }

    #[test]
    fn a_full_row() {
        let d = row(&[
            (Field::Name, "张 三"),
            (Field::Gender, "女"),
            (Field::BirthYearMonth, "1949.12"),
            (Field::IdNumber, "11010519491231002x"),
            (Field::Mobile, "+86 138-0013-8000"),
            (Field::Address, "山东省济南市历下区解放路街道解放路第一社区3号楼2单元501"),
            (Field::Employer, "某某建筑公司"),
            (Field::WorkPlace, "上海"),
            (Field::Category, "外出务工经商人员"),
            (Field::Education, "职高"),
            (Field::Specialty, "电工"),
            (Field::ReturnIntent, "创业"),
            (Field::FamilyNeeds, "子女教育、老人照料"),
            (Field::Note, "第一行\n第二行"),
        ]);
        let p = validate(&d, today()).unwrap();
        assert_eq!(p.name.as_str(), "张三");
        assert_eq!(p.gender, Some(Gender::Female));
        assert_eq!(p.id_number.as_ref().map(IdNumber::as_str), Some("11010519491231002X"));
        assert_eq!(p.mobile.as_ref().map(Mobile::as_str), Some("13800138000"));
        assert_eq!(p.categories, vec![Category::MigrantWorker]);
        assert_eq!(p.education, Some(Education::SecondaryVocational));
        assert_eq!(p.return_intent, ReturnIntent::StartBusiness);
        assert_eq!(p.family_needs, vec![FamilyNeed::ChildEducation, FamilyNeed::ElderCare]);
    }

    #[test]
    fn a_minimal_row_takes_gender_and_birth_from_the_id_number() {
        let p = validate(&row(&[(Field::Name, "李四"), (Field::IdNumber, "11010519491231002X")]), today()).unwrap();
        assert_eq!(p.gender, Some(Gender::Female));
        assert_eq!(p.birth_year_month.map(|b| b.to_string()), Some("1949-12".to_string()));
        assert_eq!(p.return_intent, ReturnIntent::Unknown);
        let p = validate(&row(&[(Field::Name, "李四"), (Field::Mobile, "13800138000")]), today()).unwrap();
        assert_eq!((p.gender, p.birth_year_month, p.id_number), (None, None, None));
    }

    #[test]
    fn every_error_is_reported_in_field_order() {
        let d = row(&[
            (Field::Gender, "男"),
            (Field::BirthYearMonth, "1950.01"),
            (Field::IdNumber, "11010519491231002X"),
            (Field::Mobile, "1380013800"),
            (Field::Category, "干部、专业技术人员"),
            (Field::ReturnIntent, "也许"),
            (Field::FamilyNeeds, "低保"),
            (Field::Address, "a\u{7}b"),
        ]);
        let errors = validate(&d, today()).unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                Field::Name,
                Field::Gender,
                Field::BirthYearMonth,
                Field::Mobile,
                Field::Address,
                Field::Category,
                Field::ReturnIntent,
                Field::FamilyNeeds
            ]
        );
        let rendered: Vec<String> = errors.iter().map(|e| e.render(Lang::Zh)).collect();
        assert_eq!(rendered[0], "姓名：必填");
        assert_eq!(rendered[1], "性别：与身份证号中的性别（女）不一致");
        assert_eq!(rendered[2], "出生年月：与身份证号中的出生年月（1949年12月）不一致");
        assert_eq!(rendered[3], "联系电话：手机号应为11位数字，这里是10位");
        assert_eq!(errors[1].render(Lang::En), "Gender: differs from the gender in the ID number (Female)");
    }

    #[test]
    fn id_number_or_mobile_is_required() {
        let errors = validate(&row(&[(Field::Name, "王五")]), today()).unwrap_err();
        assert_eq!(errors, [FieldError { field: Field::Mobile, problem: FieldProblem::IdNumberOrMobileRequired }]);
        // A bad ID number is its own error, not also "neither given".
        let errors = validate(&row(&[(Field::Name, "王五"), (Field::IdNumber, "123")]), today()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, Field::IdNumber);
    }

    #[test]
    fn limits_and_control_characters() {
        let long = "路".repeat(201);
        let errors =
            validate(&row(&[(Field::Name, "王五"), (Field::Mobile, "13800138000"), (Field::Address, &long)]), today())
                .unwrap_err();
        assert_eq!(errors[0].problem, FieldProblem::TooLong { chars: 201, max: 200 });
        let errors = validate(
            &row(&[(Field::Name, "王五"), (Field::Mobile, "13800138000"), (Field::Employer, "a\nb")]),
            today(),
        )
        .unwrap_err();
        assert_eq!(errors[0].problem, FieldProblem::ControlCharacter { at: 2 });
    }

    #[test]
    fn debug_shows_no_personal_data() {
        let d =
            row(&[(Field::Name, "张三"), (Field::Mobile, "13800138000"), (Field::Address, "历下区解放路街道3号楼")]);
        assert_eq!(format!("{d:?}"), r#"PersonDraft { filled: ["name", "mobile", "address"] }"#);
        let p = validate(&d, today()).unwrap();
        let shown = format!("{p:?}");
        assert!(!shown.contains("张三") && !shown.contains("13800138000") && !shown.contains("3号楼"), "{shown}");
    }

    proptest::proptest! {
        #[test]
        fn well_typed_rows_in_office_spellings_validate(
            name in "[\u{4e00}-\u{9fa5}]{2,4}",
            days in 0u64..30_000,
            seq in 0u32..1000,
            mobile in "1[3-9][0-9]{9}",
            spaced in proptest::bool::ANY,
        ) {
            let born = NaiveDate::from_ymd_opt(1930, 1, 1).unwrap() + chrono::Days::new(days);
            let body = format!("370802{}{seq:03}", born.format("%Y%m%d"));
            let id = format!("{body}{}", crate::check_character(&body).unwrap()).to_lowercase();
            let typed_mobile = if spaced { format!("+86 {} {} {}", &mobile[..3], &mobile[3..7], &mobile[7..]) } else { mobile.clone() };
            let typed_name = if spaced { name.chars().map(|c| format!("{c} ")).collect() } else { name.clone() };
            let d = row(&[
                (Field::Name, &typed_name),
                (Field::IdNumber, &id),
                (Field::Mobile, &typed_mobile),
                (Field::BirthYearMonth, &born.format("%Y年%-m月").to_string()),
            ]);
            let p = validate(&d, today()).unwrap();
            proptest::prop_assert_eq!(p.name.as_str(), name.as_str());
            proptest::prop_assert_eq!(p.id_number.as_ref().map(|i| i.as_str().to_string()), Some(id.to_uppercase()));
            proptest::prop_assert_eq!(p.mobile.as_ref().map(Mobile::as_str), Some(mobile.as_str()));
            proptest::prop_assert_eq!(p.birth_year_month, Some(BirthYearMonth::from_date(born)));
        }

        #[test]
        fn any_row_validates_or_reports_without_panicking(cells in proptest::collection::vec("\\PC{0,30}", 14)) {
            let mut d = PersonDraft::default();
            for (field, text) in Field::ALL.iter().zip(&cells) {
                d.set(*field, text.as_str());
            }
            match validate(&d, today()) {
                Ok(p) => proptest::prop_assert!(p.id_number.is_some() || p.mobile.is_some()),
                Err(errors) => {
                    proptest::prop_assert!(!errors.is_empty());
                    for e in errors {
                        proptest::prop_assert!(!e.render(Lang::Zh).is_empty() && !e.render(Lang::En).is_empty());
                    }
                }
            }
        }
    }

    #[test]
    fn a_form_deserialises_by_field_key() {
        let d: PersonDraft = serde_json::from_str(r#"{"name":"张三","id-number":"1","family-needs":"住房"}"#).unwrap();
        assert_eq!((d.get(Field::Name), d.get(Field::IdNumber), d.get(Field::FamilyNeeds)), ("张三", "1", "住房"));
    }
}
