//! Entering persons, one from a form or a sheet's rows at once, through the matching ladder: the
//! same ID number is the same person (matched, never added twice; linked into a second community's
//! book), the same mobile and name a candidate held back for a person to confirm, and a match in
//! another community's book told by that book's name only.

use std::collections::HashMap;

use campaign::Lang;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use talent::{ArchiveNumber, BookRole, LegalBasis, MatchStrength, PersonFields, ReturnIntent};
use vault::Vault;

use crate::connect::Store;
use crate::entities::{person, person_book, person_merge_book};
use crate::error::StoreError;
use crate::operate::begin_options;
use crate::registry::access_log::{self, AccessAction, AccessOutcome, NewEntry};
use crate::registry::ladder::{Found, Known, keys_of_new, match_in_book, strongest_known};
use crate::registry::retention::review_stamp_for_entry;
use crate::registry::scope::{StoreOrRegistry, Viewer, Visible, check_unit, visible};
use crate::registry::sealing::{join_keys, seal};

/// A person to enter into a community's book.
#[derive(Clone, Debug)]
pub struct NewPerson {
    /// The caller's tag for this person (a sheet's row number), echoed in [`Hold::SameAsRow`].
    pub row: usize,
    pub unit: String,
    pub role: BookRole,
    pub fields: PersonFields,
    /// What the person was told before entry, when the worker says so: recorded on the person
    /// (added, linked or already registered), replacing an older notice.
    pub told: Option<Told>,
    /// The worker checked that a possible duplicate (the same mobile and name) is another person:
    /// entered rather than held. (The web's form says so for its one person; an import sheet per
    /// row, in its 确认为另一人 column.)
    pub confirmed: bool,
}

/// The notice (告知书) a person was shown before entry, and the legal basis they were told of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Told {
    /// The notice's version (`notice.version` of the campaign).
    pub notice_version: String,
    pub legal_basis: LegalBasis,
}

/// What became of one person entered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entered {
    /// A new person, in the unit's book under this archive number.
    Added { person_id: i64, archive_no: String },
    /// Already in this unit's book (the same ID number, or a confirmed candidate): nothing changed.
    AlreadyRegistered { person_id: i64, archive_no: String },
    /// The same ID number is registered by other communities (their names): the person is now
    /// in this unit's book too.
    Linked { person_id: i64, archive_no: String, other_books: Vec<String> },
    /// Not entered; the reason.
    Held(Hold),
}

/// Why a person was not entered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hold {
    /// The same person as an earlier row of the same batch.
    SameAsRow { row: usize },
    /// The same mobile and name as a registered person: a worker confirms before a second record
    /// is made. `other_books`: the other communities' names, when the match is outside this book.
    Candidate { other_books: Vec<String> },
}

impl Hold {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Hold::SameAsRow { row }, Lang::Zh) => format!("与本表第{row}行是同一人（身份证号或联系电话和姓名相同）"),
            (Hold::SameAsRow { row }, Lang::En) => {
                format!("the same person as row {row} of this sheet (same ID number, or same mobile and name)")
            }
            (Hold::Candidate { other_books }, _) if !other_books.is_empty() => {
                talent::other_book_notice(MatchStrength::Candidate, &other_books.join("、"), lang).unwrap_or_default()
            }
            (Hold::Candidate { .. }, Lang::Zh) => {
                "可能与本社区已登记的人员重复（联系电话和姓名相同），请核对；确是另一人时请确认后登记".into()
            }
            (Hold::Candidate { .. }, Lang::En) => "possibly the same person as one already in this book (same mobile \
                                                   and name): check, and confirm if it is someone else"
                .into(),
        }
    }
}

impl Entered {
    /// What a worker is told of a link into another community's book, if anything.
    pub fn notice(&self, lang: Lang) -> Option<String> {
        match self {
            Entered::Linked { other_books, .. } => {
                talent::other_book_notice(MatchStrength::Same, &other_books.join("、"), lang)
            }
            Entered::Held(hold) => Some(hold.message(lang)),
            _ => None,
        }
    }
}

/// Enters one person (a form). `confirmed`: a worker has seen the candidate and says this is
/// someone else, so a new record is made. Logged as `add`.
pub async fn add_person(
    store: &Store,
    vault: &Vault,
    viewer: &Viewer,
    new: &NewPerson,
    confirmed: bool,
    now: DateTime<Utc>,
) -> Result<Entered, StoreError> {
    let outcomes = enter_all(store, vault, viewer, std::slice::from_ref(new), confirmed, now, None).await?;
    outcomes.into_iter().next().ok_or_else(|| StoreError::Database("no outcome".into()))
}

/// Enters a sheet's valid rows in one transaction; nothing is written if any write fails. A row
/// is held back when it is the same person as an earlier row, or a candidate to confirm. Logged
/// once as `import`, naming `source` (a file name) and the counts.
pub async fn import_persons(
    store: &Store,
    vault: &Vault,
    viewer: &Viewer,
    rows: &[NewPerson],
    source: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Entered>, StoreError> {
    enter_all(store, vault, viewer, rows, false, now, Some(source)).await
}

async fn enter_all(
    store: &Store,
    vault: &Vault,
    viewer: &Viewer,
    rows: &[NewPerson],
    confirmed: bool,
    now: DateTime<Utc>,
    source: Option<&str>,
) -> Result<Vec<Entered>, StoreError> {
    let url = store.url.clone();
    let work = async {
        let txn = store.db.begin_with_options(begin_options()).await?;
        let seen_units = visible(&txn, &viewer.scope).await?;
        for row in rows {
            check_unit(&seen_units, viewer, &row.unit)?;
        }
        // The directory's names, for the other books a match is told by (outside the scope too).
        let all = visible(&txn, &crate::registry::Scope::All).await?;
        let mut earlier: HashMap<i64, usize> = HashMap::new();
        let mut seqs = NextSeq::default();
        // The persons the rows may match, read for all rows at once; each row added joins them,
        // so a later row of the same sheet matches it as before.
        let batch: Vec<&PersonFields> = rows.iter().map(|r| &r.fields).collect();
        let mut known = Known::read(&txn, vault, &batch).await?;
        let mut outcomes = Vec::with_capacity(rows.len());
        for row in rows {
            let step = Step { directory: &all, confirmed: confirmed || row.confirmed, at: now.timestamp() };
            outcomes.push(enter(&txn, vault, &step, row, &mut earlier, &mut seqs, &mut known).await?);
        }
        let entry = match source {
            Some(source) => {
                let count = |f: fn(&Entered) -> bool| outcomes.iter().filter(|o| f(o)).count();
                NewEntry {
                    action: AccessAction::Import,
                    person_id: None,
                    filter: Some(format!(
                        "source={source} rows={} added={} registered={} linked={} held={}",
                        rows.len(),
                        count(|o| matches!(o, Entered::Added { .. })),
                        count(|o| matches!(o, Entered::AlreadyRegistered { .. })),
                        count(|o| matches!(o, Entered::Linked { .. })),
                        count(|o| matches!(o, Entered::Held(_))),
                    )),
                    fields: Vec::new(),
                    reason: None,
                    outcome: AccessOutcome::Ok,
                }
            }
            None => NewEntry {
                action: AccessAction::Add,
                person_id: outcomes.first().and_then(person_of),
                filter: rows.first().map(|r| format!("unit={}", r.unit)),
                fields: Vec::new(),
                reason: None,
                outcome: AccessOutcome::Ok,
            },
        };
        access_log::append(&txn, now.timestamp(), viewer, entry).await?;
        txn.commit().await?;
        Ok::<_, StoreOrRegistry>(outcomes)
    };
    work.await.map_err(|e| e.into_store(&url))
}

fn person_of(e: &Entered) -> Option<i64> {
    match e {
        Entered::Added { person_id, .. }
        | Entered::AlreadyRegistered { person_id, .. }
        | Entered::Linked { person_id, .. } => Some(*person_id),
        Entered::Held(_) => None,
    }
}

/// The next archive sequence number of each book this transaction has added to, so that a sheet
/// of many rows for one community reads the book's last number once, not once per row (the
/// read sorts the book by `seq`, which no index orders: each row's read grew with the book).
/// Only this transaction adds to these books meanwhile: SQLite's write lock, and on PostgreSQL the
/// unique (unit, archive_no) index refuses a concurrent writer's duplicate as it did before.
#[derive(Default)]
struct NextSeq(HashMap<String, i32>);

/// What every row of one entry shares.
struct Step<'a> {
    directory: &'a Visible,
    confirmed: bool,
    at: i64,
}

async fn enter(
    db: &impl ConnectionTrait,
    vault: &Vault,
    step: &Step<'_>,
    row: &NewPerson,
    earlier: &mut HashMap<i64, usize>,
    seqs: &mut NextSeq,
    known: &mut Known,
) -> Result<Entered, StoreOrRegistry> {
    let Step { directory, confirmed, at } = *step;
    let found = strongest_known(db, vault, known, &row.fields).await?;
    if let Some(Found { person_id, .. }) = &found
        && let Some(first) = earlier.get(person_id)
    {
        return Ok(Entered::Held(Hold::SameAsRow { row: *first }));
    }
    let outcome = match found {
        Some(Found { person_id, strength: MatchStrength::Same, units }) => {
            if let Some(book) = book_of(db, person_id, &row.unit).await? {
                Entered::AlreadyRegistered { person_id, archive_no: book.archive_no }
            } else {
                let role =
                    if row.role == BookRole::Registered && !units.is_empty() { BookRole::Residing } else { row.role };
                let archive_no = add_book(db, person_id, &row.unit, role, at, seqs).await?;
                let other_books = units.iter().map(|u| directory.name(u)).collect();
                Entered::Linked { person_id, archive_no, other_books }
            }
        }
        Some(Found { units, .. }) => {
            if let Some(book) = match_in_book(db, vault, &row.fields, &row.unit).await? {
                // The same mobile and name in this very book: the row typed again (a sheet
                // imported twice, a confirmed row imported again), matched rather than held or
                // entered a second time.
                Entered::AlreadyRegistered { person_id: book.person_id, archive_no: book.archive_no }
            } else if !confirmed {
                Entered::Held(Hold::Candidate { other_books: units.iter().map(|u| directory.name(u)).collect() })
            } else {
                let person_id = insert_person(db, vault, &row.fields, at).await?;
                known.add(person_id, keys_of_new(vault, &row.fields));
                let archive_no = add_book(db, person_id, &row.unit, row.role, at, seqs).await?;
                Entered::Added { person_id, archive_no }
            }
        }
        None => {
            let person_id = insert_person(db, vault, &row.fields, at).await?;
            known.add(person_id, keys_of_new(vault, &row.fields));
            let archive_no = add_book(db, person_id, &row.unit, row.role, at, seqs).await?;
            Entered::Added { person_id, archive_no }
        }
    };
    if let Some(id) = person_of(&outcome) {
        earlier.insert(id, row.row);
        if let Some(told) = &row.told {
            person::Entity::update_many()
                .col_expr(person::Column::NoticeVersion, Expr::value(told.notice_version.clone()))
                .col_expr(person::Column::NoticeGivenAt, Expr::value(at))
                .col_expr(person::Column::LegalBasis, Expr::value(told.legal_basis.key()))
                .filter(person::Column::Id.eq(id))
                .exec(db)
                .await?;
        }
    }
    Ok(outcome)
}

async fn book_of(db: &impl ConnectionTrait, person_id: i64, unit: &str) -> Result<Option<person_book::Model>, DbErr> {
    person_book::Entity::find()
        .filter(person_book::Column::PersonId.eq(person_id))
        .filter(person_book::Column::Unit.eq(unit))
        .one(db)
        .await
}

/// Adds a person to a unit's book under the book's next archive number.
async fn add_book(
    db: &impl ConnectionTrait,
    person_id: i64,
    unit: &str,
    role: BookRole,
    at: i64,
    seqs: &mut NextSeq,
) -> Result<String, StoreOrRegistry> {
    let seq = match seqs.0.get(unit) {
        Some(seq) => *seq,
        None => {
            let last = person_book::Entity::find()
                .filter(person_book::Column::Unit.eq(unit))
                .order_by_desc(person_book::Column::Seq)
                .limit(1)
                .one(db)
                .await?;
            // An entry a merge dropped keeps its number while the merge stands (undoing it puts
            // the entry back), so the next number is past those too.
            let dropped = person_merge_book::Entity::find()
                .filter(person_merge_book::Column::Unit.eq(unit))
                .order_by_desc(person_merge_book::Column::Seq)
                .limit(1)
                .one(db)
                .await?;
            last.map_or(0, |b| b.seq).max(dropped.map_or(0, |b| b.seq)) + 1
        }
    };
    seqs.0.insert(unit.to_string(), seq + 1);
    let archive_no = ArchiveNumber::new(unit, u32::try_from(seq).unwrap_or(u32::MAX))
        .map(|a| a.to_string())
        // A unit id the archive rule does not take (too long): the unit and the sequence anyway.
        .unwrap_or_else(|_| format!("{unit}-{seq:04}"));
    person_book::Entity::insert(person_book::ActiveModel {
        person_id: Set(person_id),
        unit: Set(unit.to_string()),
        role: Set(role.key().to_string()),
        archive_no: Set(archive_no.clone()),
        seq: Set(seq),
        created_at: Set(at),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(archive_no)
}

async fn insert_person(
    db: &impl ConnectionTrait,
    vault: &Vault,
    f: &PersonFields,
    at: i64,
) -> Result<i64, StoreOrRegistry> {
    let sealed = seal(vault, f)?;
    let inserted = person::Entity::insert(person::ActiveModel {
        name: Set(f.name.as_str().to_string()),
        gender: Set(f.gender.map(|g| g.key().to_string())),
        birth_ym: Set(f.birth_year_month.map(|b| b.to_string())),
        id_number_sealed: Set(sealed.id_number_sealed),
        id_number_index: Set(sealed.id_number_index),
        id_number_last4: Set(sealed.id_number_last4),
        mobile_sealed: Set(sealed.mobile_sealed),
        mobile_index: Set(sealed.mobile_index),
        address_sealed: Set(sealed.address_sealed),
        address_area: Set(sealed.address_area),
        employer: Set(f.employer.clone()),
        work_place: Set(f.work_place.clone()),
        categories: Set(join_keys(&f.categories)),
        education: Set(f.education.map(|e| e.key().to_string())),
        specialty: Set(f.specialty.clone()),
        return_intent: Set(f.return_intent.key().to_string()),
        intent_confirmed_at: Set((f.return_intent != ReturnIntent::Unknown).then_some(at)),
        pool_status: Set(None),
        pool_route: Set(None),
        family_needs: Set(join_keys(&f.family_needs)),
        note: Set(f.note.clone()),
        legal_basis: Set(None),
        notice_version: Set(None),
        notice_given_at: Set(None),
        do_not_contact: Set(false),
        retention_review_at: Set(Some(review_stamp_for_entry(at))),
        created_at: Set(at),
        updated_at: Set(at),
        erased: Set(false),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(inserted.last_insert_id)
}
