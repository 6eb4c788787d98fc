//! Correcting a person's record at their request (更正补充, PIPL art. 46): the record as it stands,
//! with the corrected fields' new texts, goes through the same validation as entry (`talent::
//! validate`), so a corrected ID number is checked against its check character and the birth
//! month, a mobile normalised, a vocabulary value parsed; then every column is written again, the
//! sealed ones sealed anew. What changed is told by the fields' keys only.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use talent::{Field, PersonDraft, ReturnIntent, validate};
use vault::Vault;

use crate::entities::person;
use crate::registry::error::RegistryError;
use crate::registry::merge::hold_person;
use crate::registry::scope::StoreOrRegistry;
use crate::registry::sealing::{join_keys, open_field, seal};

/// The record of `p` as a draft, every field as entry would read it back.
fn draft_of(vault: &Vault, p: &person::Model) -> Result<PersonDraft, RegistryError> {
    let mut draft = PersonDraft::default();
    draft.set(Field::Name, p.name.clone());
    draft.set(Field::Gender, p.gender.clone().unwrap_or_default());
    draft.set(Field::BirthYearMonth, p.birth_ym.clone().unwrap_or_default());
    draft.set(Field::IdNumber, open_field(vault, p, Field::IdNumber)?.unwrap_or_default());
    draft.set(Field::Mobile, open_field(vault, p, Field::Mobile)?.unwrap_or_default());
    draft.set(Field::Address, open_field(vault, p, Field::Address)?.unwrap_or_default());
    draft.set(Field::Employer, p.employer.clone().unwrap_or_default());
    draft.set(Field::WorkPlace, p.work_place.clone().unwrap_or_default());
    // The stored keys as typed (a key is a spelling every vocabulary reads): an unknown one fails
    // validation below, it is not dropped.
    draft.set(Field::Category, p.categories.replace(',', "、"));
    draft.set(Field::Education, p.education.clone().unwrap_or_default());
    draft.set(Field::Specialty, p.specialty.clone().unwrap_or_default());
    draft.set(Field::ReturnIntent, p.return_intent.clone());
    draft.set(Field::FamilyNeeds, p.family_needs.replace(',', "、"));
    draft.set(Field::Note, p.note.clone().unwrap_or_default());
    Ok(draft)
}

/// Corrects person `person_id` (in the caller's transaction; the caller has checked that the
/// viewer may) with `changes`: each field's new text. Returns the keys of the fields whose text
/// changed. Refused when nothing changes, when the corrected record does not validate (every
/// field's problem at once), and when a corrected ID number is another record's.
pub(crate) async fn correct_in(
    txn: &impl ConnectionTrait,
    vault: &Vault,
    person_id: i64,
    changes: &[(Field, String)],
    now: DateTime<Utc>,
) -> Result<Vec<&'static str>, StoreOrRegistry> {
    let p = hold_person(txn, person_id).await?.ok_or(RegistryError::NoSuchPerson(person_id))?;
    let mut draft = draft_of(vault, &p)?;
    let mut changed: Vec<&'static str> = Vec::new();
    for (field, text) in changes {
        if draft.get(*field).trim() != text.trim() {
            draft.set(*field, text.trim());
            if !changed.contains(&field.key()) {
                changed.push(field.key());
            }
        }
    }
    if changed.is_empty() {
        return Err(RegistryError::NothingToCorrect.into());
    }
    let f = validate(&draft, now.date_naive()).map_err(RegistryError::InvalidCorrection)?;
    let sealed = seal(vault, &f)?;
    if let Some(index) = &sealed.id_number_index {
        let other = person::Entity::find()
            .filter(person::Column::IdNumberIndex.eq(index.clone()))
            .filter(person::Column::Id.ne(person_id))
            .filter(person::Column::MergedInto.is_null())
            .filter(person::Column::Erased.eq(false))
            .one(txn)
            .await?;
        if other.is_some() {
            return Err(RegistryError::CorrectedIdNumberTaken.into());
        }
    }
    let at = now.timestamp();
    let mut update = person::Entity::update_many()
        .col_expr(person::Column::Name, Expr::value(f.name.as_str()))
        .col_expr(person::Column::Gender, Expr::value(f.gender.map(|g| g.key())))
        .col_expr(person::Column::BirthYm, Expr::value(f.birth_year_month.map(|b| b.to_string())))
        .col_expr(person::Column::IdNumberSealed, Expr::value(sealed.id_number_sealed))
        .col_expr(person::Column::IdNumberIndex, Expr::value(sealed.id_number_index))
        .col_expr(person::Column::IdNumberLast4, Expr::value(sealed.id_number_last4))
        .col_expr(person::Column::MobileSealed, Expr::value(sealed.mobile_sealed))
        .col_expr(person::Column::MobileIndex, Expr::value(sealed.mobile_index))
        .col_expr(person::Column::AddressSealed, Expr::value(sealed.address_sealed))
        .col_expr(person::Column::AddressArea, Expr::value(sealed.address_area))
        .col_expr(person::Column::Employer, Expr::value(f.employer.clone()))
        .col_expr(person::Column::WorkPlace, Expr::value(f.work_place.clone()))
        .col_expr(person::Column::Categories, Expr::value(join_keys(&f.categories)))
        .col_expr(person::Column::Education, Expr::value(f.education.map(|e| e.key())))
        .col_expr(person::Column::Specialty, Expr::value(f.specialty.clone()))
        .col_expr(person::Column::ReturnIntent, Expr::value(f.return_intent.key()))
        .col_expr(person::Column::FamilyNeeds, Expr::value(join_keys(&f.family_needs)))
        .col_expr(person::Column::Note, Expr::value(f.note.clone()))
        .col_expr(person::Column::UpdatedAt, Expr::value(at))
        .filter(person::Column::Id.eq(person_id));
    if changed.contains(&Field::ReturnIntent.key()) {
        // The person said it themselves: the intent is confirmed today.
        let confirmed = (f.return_intent != ReturnIntent::Unknown).then_some(at);
        update = update.col_expr(person::Column::IntentConfirmedAt, Expr::value(confirmed));
    }
    update.exec(txn).await?;
    Ok(changed)
}
