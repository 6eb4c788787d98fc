//! Between a person's typed fields and their row: ID number, mobile and address sealed by the
//! vault (the column's name bound in as associated data) with blind indexes for equality lookups;
//! everything read back either masked or, when revealed, opened.

use chrono::NaiveDate;
use talent::{
    BirthYearMonth, Category, Education, FamilyNeed, Field, Gender, IdNumber, LegalBasis, Mobile, PersonFields,
    PoolRoute, PoolStatus, ReturnIntent, Vocabulary,
};
use vault::Vault;

use crate::entities::person;
use crate::registry::error::RegistryError;
use crate::registry::scope::StoreOrRegistry;

/// The associated data each sealed column is bound to.
pub(crate) const ID_NUMBER_COLUMN: &str = "persons.id_number";
pub(crate) const MOBILE_COLUMN: &str = "persons.mobile";
pub(crate) const ADDRESS_COLUMN: &str = "persons.address";
/// The blind-index fields.
pub(crate) const ID_NUMBER_INDEX: &str = "id_number";
pub(crate) const MOBILE_INDEX: &str = "mobile";

/// The sealed columns of one person.
#[derive(Clone, Default)]
pub(crate) struct SealedColumns {
    pub id_number_sealed: Option<Vec<u8>>,
    pub id_number_index: Option<String>,
    pub id_number_last4: Option<String>,
    pub mobile_sealed: Option<Vec<u8>>,
    pub mobile_index: Option<String>,
    pub address_sealed: Option<Vec<u8>>,
    pub address_area: Option<String>,
}

/// The blind indexes a new record is matched on.
pub(crate) fn id_index(vault: &Vault, id: &IdNumber) -> String {
    vault.blind_index(ID_NUMBER_INDEX, id.as_str()).to_hex()
}

pub(crate) fn mobile_index(vault: &Vault, mobile: &Mobile) -> String {
    vault.blind_index(MOBILE_INDEX, mobile.as_str()).to_hex()
}

pub(crate) fn seal(vault: &Vault, fields: &PersonFields) -> Result<SealedColumns, vault::VaultError> {
    let mut out = SealedColumns::default();
    if let Some(id) = &fields.id_number {
        out.id_number_sealed = Some(vault.seal(ID_NUMBER_COLUMN, id.as_str())?);
        out.id_number_index = Some(id_index(vault, id));
        out.id_number_last4 = Some(id.last4().to_string());
    }
    if let Some(m) = &fields.mobile {
        out.mobile_sealed = Some(vault.seal(MOBILE_COLUMN, m.as_str())?);
        out.mobile_index = Some(mobile_index(vault, m));
    }
    if let Some(a) = &fields.address {
        out.address_sealed = Some(vault.seal(ADDRESS_COLUMN, a)?);
        out.address_area = Some(talent::mask_address(a));
    }
    Ok(out)
}

/// Vocabulary keys joined for a text column.
pub(crate) fn join_keys<V: Vocabulary>(values: &[V]) -> String {
    values.iter().map(|v| v.key()).collect::<Vec<_>>().join(",")
}

/// A stored vocabulary value of person `p`'s `column`: one this guiyan does not know is corrupt
/// (written by a newer guiyan, or by hand), never read as a default.
pub(crate) fn stored<V: Vocabulary>(p: &person::Model, column: &str, text: &str) -> Result<V, StoreOrRegistry> {
    crate::registry::stored::vocab(text, || format!("person {} with the {column}", p.id))
}

/// [`stored`] of a column that may be empty.
pub(crate) fn stored_opt<V: Vocabulary>(
    p: &person::Model,
    column: &str,
    text: Option<&str>,
) -> Result<Option<V>, StoreOrRegistry> {
    text.map(|t| stored(p, column, t)).transpose()
}

/// The values of a column of vocabulary keys joined by `,` ([`join_keys`]), each [`stored`].
pub(crate) fn split_keys<V: Vocabulary>(
    p: &person::Model,
    column: &str,
    text: &str,
) -> Result<Vec<V>, StoreOrRegistry> {
    text.split(',').filter(|s| !s.is_empty()).map(|k| stored(p, column, k)).collect()
}

/// One sealed field of a person, in the clear or masked.
#[derive(Clone, PartialEq, Eq)]
pub struct Shown {
    pub text: String,
    /// Whether `text` is the value itself (revealed) or its mask.
    pub revealed: bool,
}

impl std::fmt::Debug for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A revealed value must not reach a log through `{:?}`.
        f.debug_struct("Shown").field("revealed", &self.revealed).finish_non_exhaustive()
    }
}

/// A person as read: sealed fields masked unless revealed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonRecord {
    pub id: i64,
    pub name: String,
    pub gender: Option<Gender>,
    pub birth_year_month: Option<BirthYearMonth>,
    pub id_number: Option<Shown>,
    pub mobile: Option<Shown>,
    pub address: Option<Shown>,
    pub employer: Option<String>,
    pub work_place: Option<String>,
    pub categories: Vec<Category>,
    pub education: Option<Education>,
    pub specialty: Option<String>,
    pub return_intent: ReturnIntent,
    pub pool_status: Option<PoolStatus>,
    pub pool_route: Option<PoolRoute>,
    pub family_needs: Vec<FamilyNeed>,
    pub note: Option<String>,
    pub do_not_contact: bool,
    /// The notice (告知书) version the person was shown, and when (unix seconds).
    pub notice_version: Option<String>,
    pub notice_given_at: Option<i64>,
    pub legal_basis: Option<LegalBasis>,
}

/// Opens one sealed field of a row.
pub(crate) fn open_field(vault: &Vault, p: &person::Model, field: Field) -> Result<Option<String>, RegistryError> {
    let (column, sealed) = match field {
        Field::IdNumber => (ID_NUMBER_COLUMN, &p.id_number_sealed),
        Field::Mobile => (MOBILE_COLUMN, &p.mobile_sealed),
        Field::Address => (ADDRESS_COLUMN, &p.address_sealed),
        other => return Err(RegistryError::NotSealed(other.key())),
    };
    sealed.as_deref().map(|s| vault.open(column, s)).transpose().map_err(RegistryError::from)
}

/// A row as a record: masked, or with the sealed fields opened when `reveal`.
pub(crate) fn record(
    vault: &Vault,
    p: &person::Model,
    reveal: bool,
    today: NaiveDate,
) -> Result<PersonRecord, StoreOrRegistry> {
    let id_number = match open_field(vault, p, Field::IdNumber)? {
        None => None,
        Some(text) if reveal => Some(Shown { text, revealed: true }),
        Some(text) => {
            let masked = IdNumber::parse(&text, today)
                .map(|id| talent::mask_id_number(&id))
                .unwrap_or_else(|_| format!("**************{}", p.id_number_last4.clone().unwrap_or_default()));
            Some(Shown { text: masked, revealed: false })
        }
    };
    let mobile = match open_field(vault, p, Field::Mobile)? {
        None => None,
        Some(text) if reveal => Some(Shown { text, revealed: true }),
        Some(text) => Some(Shown {
            text: Mobile::parse(&text).map(|m| talent::mask_mobile(&m)).unwrap_or_else(|_| "***********".into()),
            revealed: false,
        }),
    };
    let address = if reveal {
        open_field(vault, p, Field::Address)?.map(|text| Shown { text, revealed: true })
    } else {
        // The street-level prefix is stored: a masked list opens nothing.
        p.address_area.clone().map(|text| Shown { text, revealed: false })
    };
    Ok(PersonRecord {
        id: p.id,
        name: p.name.clone(),
        gender: stored_opt::<Gender>(p, "gender", p.gender.as_deref())?,
        birth_year_month: match p.birth_ym.as_deref() {
            None => None,
            Some(text) => Some(text.parse::<BirthYearMonth>().map_err(|_| {
                StoreOrRegistry::Corrupt(format!("person {} with the birth year-month `{text}`", p.id))
            })?),
        },
        id_number,
        mobile,
        address,
        employer: p.employer.clone(),
        work_place: p.work_place.clone(),
        categories: split_keys(p, "category", &p.categories)?,
        education: stored_opt::<Education>(p, "education", p.education.as_deref())?,
        specialty: p.specialty.clone(),
        return_intent: stored::<ReturnIntent>(p, "return intent", &p.return_intent)?,
        pool_status: stored_opt::<PoolStatus>(p, "pool status", p.pool_status.as_deref())?,
        pool_route: stored_opt::<PoolRoute>(p, "pool route", p.pool_route.as_deref())?,
        family_needs: split_keys(p, "family need", &p.family_needs)?,
        note: p.note.clone(),
        do_not_contact: p.do_not_contact,
        notice_version: p.notice_version.clone(),
        notice_given_at: p.notice_given_at,
        legal_basis: stored_opt::<LegalBasis>(p, "legal basis", p.legal_basis.as_deref())?,
    })
}
