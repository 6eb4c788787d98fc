//! Which of the kept record's fields a merge fills from the absorbed one, and how undoing the
//! merge empties them again: a field is filled only where the kept record has nothing, never
//! overwritten; sealed values move as the sealed bytes with their blind index (the column's name,
//! not the person, is bound into the seal, so the bytes open on either row).

use campaign::Lang;
use talent::ReturnIntent;

use sea_orm::{ActiveModelTrait, IntoActiveModel, ModelTrait};

use crate::entities::person;

/// A field of a person's record, as a merge fills it (some are several columns that go together:
/// the ID number is its seal, blind index and last four characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MergeField {
    Gender,
    BirthYearMonth,
    IdNumber,
    Mobile,
    Address,
    Employer,
    WorkPlace,
    Categories,
    Education,
    Specialty,
    /// The intent to return and when it was confirmed.
    ReturnIntent,
    /// The reserve-pool status and its route.
    PoolStatus,
    FamilyNeeds,
    Note,
    LegalBasis,
    /// The notice's version and when it was given.
    Notice,
    DoNotContact,
    RetentionReview,
}

impl MergeField {
    pub const ALL: [MergeField; 18] = [
        MergeField::Gender,
        MergeField::BirthYearMonth,
        MergeField::IdNumber,
        MergeField::Mobile,
        MergeField::Address,
        MergeField::Employer,
        MergeField::WorkPlace,
        MergeField::Categories,
        MergeField::Education,
        MergeField::Specialty,
        MergeField::ReturnIntent,
        MergeField::PoolStatus,
        MergeField::FamilyNeeds,
        MergeField::Note,
        MergeField::LegalBasis,
        MergeField::Notice,
        MergeField::DoNotContact,
        MergeField::RetentionReview,
    ];

    /// The stored key.
    pub fn key(self) -> &'static str {
        match self {
            MergeField::Gender => "gender",
            MergeField::BirthYearMonth => "birth-year-month",
            MergeField::IdNumber => "id-number",
            MergeField::Mobile => "mobile",
            MergeField::Address => "address",
            MergeField::Employer => "employer",
            MergeField::WorkPlace => "work-place",
            MergeField::Categories => "categories",
            MergeField::Education => "education",
            MergeField::Specialty => "specialty",
            MergeField::ReturnIntent => "return-intent",
            MergeField::PoolStatus => "pool-status",
            MergeField::FamilyNeeds => "family-needs",
            MergeField::Note => "note",
            MergeField::LegalBasis => "legal-basis",
            MergeField::Notice => "notice",
            MergeField::DoNotContact => "do-not-contact",
            MergeField::RetentionReview => "retention-review",
        }
    }

    pub fn parse(key: &str) -> Option<MergeField> {
        MergeField::ALL.into_iter().find(|f| f.key() == key)
    }

    /// The field's name as people read it.
    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            MergeField::Gender => ("性别", "gender"),
            MergeField::BirthYearMonth => ("出生年月", "birth year-month"),
            MergeField::IdNumber => ("身份证号", "ID number"),
            MergeField::Mobile => ("联系电话", "mobile"),
            MergeField::Address => ("家庭住址", "address"),
            MergeField::Employer => ("工作单位", "employer"),
            MergeField::WorkPlace => ("工作地点", "work place"),
            MergeField::Categories => ("人才类别", "categories"),
            MergeField::Education => ("学历", "education"),
            MergeField::Specialty => ("专业特长", "specialty"),
            MergeField::ReturnIntent => ("返乡意愿", "intent to return"),
            MergeField::PoolStatus => ("后备干部库状态", "reserve pool status"),
            MergeField::FamilyNeeds => ("家属需求", "family needs"),
            MergeField::Note => ("备注", "note"),
            MergeField::LegalBasis => ("处理依据", "legal basis"),
            MergeField::Notice => ("告知书", "notice"),
            MergeField::DoNotContact => ("不再联系", "do not contact"),
            MergeField::RetentionReview => ("保存期限复核", "retention review"),
        };
        if lang == Lang::Zh { zh } else { en }
    }
}

impl MergeField {
    /// The columns of the field, written together.
    fn columns(self) -> &'static [person::Column] {
        use person::Column as C;
        match self {
            MergeField::Gender => &[C::Gender],
            MergeField::BirthYearMonth => &[C::BirthYm],
            MergeField::IdNumber => &[C::IdNumberSealed, C::IdNumberIndex, C::IdNumberLast4],
            MergeField::Mobile => &[C::MobileSealed, C::MobileIndex],
            MergeField::Address => &[C::AddressSealed, C::AddressArea],
            MergeField::Employer => &[C::Employer],
            MergeField::WorkPlace => &[C::WorkPlace],
            MergeField::Categories => &[C::Categories],
            MergeField::Education => &[C::Education],
            MergeField::Specialty => &[C::Specialty],
            MergeField::ReturnIntent => &[C::ReturnIntent, C::IntentConfirmedAt],
            MergeField::PoolStatus => &[C::PoolStatus, C::PoolRoute],
            MergeField::FamilyNeeds => &[C::FamilyNeeds],
            MergeField::Note => &[C::Note],
            MergeField::LegalBasis => &[C::LegalBasis],
            MergeField::Notice => &[C::NoticeVersion, C::NoticeGivenAt],
            MergeField::DoNotContact => &[C::DoNotContact],
            MergeField::RetentionReview => &[C::RetentionReviewAt],
        }
    }
}

/// The update writing `fields` of `kept` (and its `updated_at`), and nothing else: a column no
/// merge touched (the intent a follow-up records meanwhile) is never written back stale.
pub(crate) fn update_of(kept: &person::Model, fields: &[MergeField]) -> person::ActiveModel {
    let mut active = kept.clone().into_active_model();
    for column in fields.iter().flat_map(|f| f.columns()).chain([&person::Column::UpdatedAt]) {
        active.set(*column, kept.get(*column));
    }
    active
}

/// Keys joined for the `filled` column.
pub(crate) fn join(fields: &[MergeField]) -> String {
    fields.iter().map(|f| f.key()).collect::<Vec<_>>().join(",")
}

/// The `filled` column read back (an unknown key, which no release writes, is skipped).
pub(crate) fn split(text: &str) -> Vec<MergeField> {
    text.split(',').filter_map(MergeField::parse).collect()
}

fn unknown_intent() -> &'static str {
    ReturnIntent::Unknown.key()
}

/// Fills `kept`'s empty fields from `absorbed`; returns the fields filled. The ID numbers are
/// compared by the caller (two different ones are two people).
pub(crate) fn fill(kept: &mut person::Model, absorbed: &person::Model) -> Vec<MergeField> {
    let mut filled = Vec::new();
    fn take<T: Clone>(to: &mut Option<T>, from: &Option<T>) -> bool {
        if to.is_none() && from.is_some() {
            *to = from.clone();
            return true;
        }
        false
    }
    let mut mark = |field: MergeField, done: bool| {
        if done {
            filled.push(field);
        }
    };
    mark(MergeField::Gender, take(&mut kept.gender, &absorbed.gender));
    mark(MergeField::BirthYearMonth, take(&mut kept.birth_ym, &absorbed.birth_ym));
    if kept.id_number_sealed.is_none() && absorbed.id_number_sealed.is_some() {
        kept.id_number_sealed = absorbed.id_number_sealed.clone();
        kept.id_number_index = absorbed.id_number_index.clone();
        kept.id_number_last4 = absorbed.id_number_last4.clone();
        mark(MergeField::IdNumber, true);
    }
    if kept.mobile_sealed.is_none() && absorbed.mobile_sealed.is_some() {
        kept.mobile_sealed = absorbed.mobile_sealed.clone();
        kept.mobile_index = absorbed.mobile_index.clone();
        mark(MergeField::Mobile, true);
    }
    if kept.address_sealed.is_none() && absorbed.address_sealed.is_some() {
        kept.address_sealed = absorbed.address_sealed.clone();
        kept.address_area = absorbed.address_area.clone();
        mark(MergeField::Address, true);
    }
    mark(MergeField::Employer, take(&mut kept.employer, &absorbed.employer));
    mark(MergeField::WorkPlace, take(&mut kept.work_place, &absorbed.work_place));
    if kept.categories.is_empty() && !absorbed.categories.is_empty() {
        kept.categories = absorbed.categories.clone();
        mark(MergeField::Categories, true);
    }
    mark(MergeField::Education, take(&mut kept.education, &absorbed.education));
    mark(MergeField::Specialty, take(&mut kept.specialty, &absorbed.specialty));
    // 未知 is the intent's empty value.
    if kept.return_intent == unknown_intent() && absorbed.return_intent != unknown_intent() {
        kept.return_intent = absorbed.return_intent.clone();
        kept.intent_confirmed_at = absorbed.intent_confirmed_at;
        mark(MergeField::ReturnIntent, true);
    }
    if kept.pool_status.is_none() && absorbed.pool_status.is_some() {
        kept.pool_status = absorbed.pool_status.clone();
        kept.pool_route = absorbed.pool_route.clone();
        mark(MergeField::PoolStatus, true);
    }
    if kept.family_needs.is_empty() && !absorbed.family_needs.is_empty() {
        kept.family_needs = absorbed.family_needs.clone();
        mark(MergeField::FamilyNeeds, true);
    }
    mark(MergeField::Note, take(&mut kept.note, &absorbed.note));
    mark(MergeField::LegalBasis, take(&mut kept.legal_basis, &absorbed.legal_basis));
    if kept.notice_version.is_none() && absorbed.notice_version.is_some() {
        kept.notice_version = absorbed.notice_version.clone();
        kept.notice_given_at = absorbed.notice_given_at;
        mark(MergeField::Notice, true);
    }
    // A wish not to be contacted, given in either record, is the person's.
    if !kept.do_not_contact && absorbed.do_not_contact {
        kept.do_not_contact = true;
        mark(MergeField::DoNotContact, true);
    }
    mark(MergeField::RetentionReview, take(&mut kept.retention_review_at, &absorbed.retention_review_at));
    filled
}

/// Empties again the fields a merge filled in `kept`. The intent to return is the one such field
/// a later follow-up changes: it is emptied only if it still is the absorbed record's, so what a
/// worker found since the merge stays. Returns the fields emptied.
pub(crate) fn clear(kept: &mut person::Model, absorbed: &person::Model, filled: &[MergeField]) -> Vec<MergeField> {
    let mut cleared = Vec::with_capacity(filled.len());
    for &field in filled {
        match field {
            MergeField::Gender => kept.gender = None,
            MergeField::BirthYearMonth => kept.birth_ym = None,
            MergeField::IdNumber => {
                kept.id_number_sealed = None;
                kept.id_number_index = None;
                kept.id_number_last4 = None;
            }
            MergeField::Mobile => {
                kept.mobile_sealed = None;
                kept.mobile_index = None;
            }
            MergeField::Address => {
                kept.address_sealed = None;
                kept.address_area = None;
            }
            MergeField::Employer => kept.employer = None,
            MergeField::WorkPlace => kept.work_place = None,
            MergeField::Categories => kept.categories.clear(),
            MergeField::Education => kept.education = None,
            MergeField::Specialty => kept.specialty = None,
            MergeField::ReturnIntent => {
                if kept.return_intent != absorbed.return_intent
                    || kept.intent_confirmed_at != absorbed.intent_confirmed_at
                {
                    continue;
                }
                kept.return_intent = unknown_intent().to_string();
                kept.intent_confirmed_at = None;
            }
            MergeField::PoolStatus => {
                kept.pool_status = None;
                kept.pool_route = None;
            }
            MergeField::FamilyNeeds => kept.family_needs.clear(),
            MergeField::Note => kept.note = None,
            MergeField::LegalBasis => kept.legal_basis = None,
            MergeField::Notice => {
                kept.notice_version = None;
                kept.notice_given_at = None;
            }
            MergeField::DoNotContact => kept.do_not_contact = false,
            MergeField::RetentionReview => kept.retention_review_at = None,
        }
        cleared.push(field);
    }
    cleared
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64) -> person::Model {
        person::Model {
            id,
            name: "x".into(),
            gender: None,
            birth_ym: None,
            id_number_sealed: None,
            id_number_index: None,
            id_number_last4: None,
            mobile_sealed: None,
            mobile_index: None,
            address_sealed: None,
            address_area: None,
            employer: None,
            work_place: None,
            categories: String::new(),
            education: None,
            specialty: None,
            return_intent: unknown_intent().into(),
            intent_confirmed_at: None,
            pool_status: None,
            pool_route: None,
            family_needs: String::new(),
            note: None,
            legal_basis: None,
            notice_version: None,
            notice_given_at: None,
            do_not_contact: false,
            retention_review_at: None,
            created_at: 1,
            updated_at: 1,
            erased: false,
            merged_into: None,
        }
    }

    #[test]
    fn fills_the_empty_fields_only_and_clear_undoes_it() {
        let mut kept = row(1);
        kept.employer = Some("kept's".into());
        kept.mobile_sealed = Some(vec![1]);
        kept.mobile_index = Some("k".into());
        let original = kept.clone();
        let mut absorbed = row(2);
        absorbed.employer = Some("absorbed's".into());
        absorbed.mobile_sealed = Some(vec![2]);
        absorbed.mobile_index = Some("a".into());
        absorbed.id_number_sealed = Some(vec![3]);
        absorbed.id_number_index = Some("i".into());
        absorbed.id_number_last4 = Some("002X".into());
        absorbed.return_intent = ReturnIntent::StartBusiness.key().into();
        absorbed.intent_confirmed_at = Some(5);
        absorbed.do_not_contact = true;
        let filled = fill(&mut kept, &absorbed);
        assert_eq!(filled, [MergeField::IdNumber, MergeField::ReturnIntent, MergeField::DoNotContact]);
        assert_eq!(kept.employer.as_deref(), Some("kept's"), "never overwritten");
        assert_eq!(kept.mobile_index.as_deref(), Some("k"));
        assert_eq!((kept.id_number_index.as_deref(), kept.id_number_sealed.as_deref()), (Some("i"), Some(&[3u8][..])));
        assert_eq!(split(&join(&filled)), filled);
        assert_eq!(clear(&mut kept, &absorbed, &filled), filled);
        assert_eq!(kept, original);
    }

    #[test]
    fn an_intent_found_since_the_merge_stays() {
        let mut kept = row(1);
        let mut absorbed = row(2);
        absorbed.return_intent = ReturnIntent::StartBusiness.key().into();
        absorbed.intent_confirmed_at = Some(5);
        let filled = fill(&mut kept, &absorbed);
        kept.return_intent = ReturnIntent::Employment.key().into();
        kept.intent_confirmed_at = Some(9);
        assert!(clear(&mut kept, &absorbed, &filled).is_empty());
        assert_eq!((kept.return_intent.as_str(), kept.intent_confirmed_at), (ReturnIntent::Employment.key(), Some(9)));
    }
}
