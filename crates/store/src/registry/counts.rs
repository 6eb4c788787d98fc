//! The register's counts for figures counted from it (`counted:` in a campaign, issue 18 item 7):
//! for each unit, over the books of its subtree, the persons a [`RegisterCount`] names during a
//! window (a run's opening to its close, or to now).
//!
//! Counted per book: a person in two books of a street (户籍地 and 现居地) counts in each, as each
//! community entered them. Erased persons still count — the counts that reports were made from must
//! still add up after an erasure. These are counts of records, nothing personal, so they are not
//! written to the access log (a unit reads its own count when it reports its figures).

use std::collections::HashMap;

use campaign::RegisterCount;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, Value};
use talent::{PoolStatus, ReturnIntent};

/// The moments a count covers: `[from, to)`, unix seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CountWindow {
    pub from: i64,
    pub to: i64,
}

/// The counts of `count` for each of `units` (ids), each over its subtree's books, in `window`.
/// Units not in the directory count 0.
pub(crate) async fn register_counts(
    db: &impl ConnectionTrait,
    count: RegisterCount,
    window: CountWindow,
    units: &[&str],
) -> Result<HashMap<String, u64>, DbErr> {
    let backend = db.get_database_backend();
    let ranges = subtree_ranges(db, units).await?;
    let Some(low) = ranges.values().map(|r| r.0).min() else { return Ok(HashMap::new()) };
    let high = ranges.values().map(|r| r.1).max().unwrap_or(low);
    // Per book unit (by its position in the directory), only the books under the units asked.
    let (sql, values) = per_book_sql(backend, count, window, low, high);
    let mut by_position: Vec<(i32, u64)> = Vec::new();
    for row in db.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await? {
        let position: i32 = row.try_get_by_index(0)?;
        let n: i64 = row.try_get_by_index(1)?;
        by_position.push((position, u64::try_from(n).unwrap_or(0)));
    }
    by_position.sort_unstable();
    // Prefix sums over positions: a subtree is the positions [position, subtree_end).
    let mut prefix = Vec::with_capacity(by_position.len() + 1);
    prefix.push(0u64);
    for (_, n) in &by_position {
        prefix.push(prefix.last().copied().unwrap_or(0) + n);
    }
    let below = |p: i32| by_position.partition_point(|(q, _)| *q < p);
    Ok(units
        .iter()
        .map(|&unit| {
            let n = ranges.get(unit).map_or(0, |&(start, end)| prefix[below(end)] - prefix[below(start)]);
            (unit.to_string(), n)
        })
        .collect())
}

/// The count of `count` over the books of `root`'s subtree in `window`, or over every book when
/// `root` is `None` (the whole district).
pub(crate) async fn register_total(
    db: &impl ConnectionTrait,
    count: RegisterCount,
    window: CountWindow,
    root: Option<&str>,
) -> Result<u64, DbErr> {
    if let Some(root) = root {
        return Ok(register_counts(db, count, window, &[root]).await?.get(root).copied().unwrap_or(0));
    }
    let backend = db.get_database_backend();
    let (sql, values) = per_book_sql(backend, count, window, i32::MIN, i32::MAX);
    let mut total = 0;
    for row in db.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await? {
        let n: i64 = row.try_get_by_index(1)?;
        total += u64::try_from(n).unwrap_or(0);
    }
    Ok(total)
}

/// The subtree `[position, subtree_end)` of each unit found in the directory.
async fn subtree_ranges(db: &impl ConnectionTrait, units: &[&str]) -> Result<HashMap<String, (i32, i32)>, DbErr> {
    let backend = db.get_database_backend();
    let mut out = HashMap::with_capacity(units.len());
    // In chunks: a run of 10,000 communities would otherwise make one statement of 10,000 values.
    for chunk in units.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| placeholder(backend, i)).collect();
        let sql = format!("SELECT id, position, subtree_end FROM units WHERE id IN ({})", marks.join(", "));
        let values: Vec<Value> = chunk.iter().map(|u| Value::from(u.to_string())).collect();
        for row in db.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await? {
            let id: String = row.try_get_by_index(0)?;
            let start: i32 = row.try_get_by_index(1)?;
            let end: i32 = row.try_get_by_index(2)?;
            out.insert(id, (start, end));
        }
    }
    Ok(out)
}

/// The statement counting `count` per book unit's position, for book units positioned in
/// `[low, high)`.
fn per_book_sql(
    backend: DbBackend,
    count: RegisterCount,
    window: CountWindow,
    low: i32,
    high: i32,
) -> (String, Vec<Value>) {
    let p = |i| placeholder(backend, i);
    let in_range = format!("u.position >= {} AND u.position < {}", p(1), p(2));
    let mut values: Vec<Value> = vec![low.into(), high.into()];
    let in_window = |column: &str, values: &mut Vec<Value>| {
        values.push(window.from.into());
        values.push(window.to.into());
        format!("{column} >= {} AND {column} < {}", p(values.len() - 1), p(values.len()))
    };
    let sql = match count {
        RegisterCount::Entered => {
            let when = in_window("b.created_at", &mut values);
            format!(
                "SELECT u.position, COUNT(*) FROM person_books b JOIN units u ON u.id = b.unit \
                 WHERE {in_range} AND {when} GROUP BY u.position"
            )
        }
        RegisterCount::IntentStartup | RegisterCount::IntentReturn => {
            let intents: &[ReturnIntent] = if count == RegisterCount::IntentStartup {
                &[ReturnIntent::StartBusiness]
            } else {
                &[ReturnIntent::StartBusiness, ReturnIntent::TakeOffice, ReturnIntent::Employment]
            };
            let mut marks = Vec::new();
            for intent in intents {
                values.push(intent.key().into());
                marks.push(p(values.len()));
            }
            let when = in_window("x.intent_confirmed_at", &mut values);
            format!(
                "SELECT u.position, COUNT(*) FROM person_books b JOIN units u ON u.id = b.unit \
                 JOIN persons x ON x.id = b.person_id \
                 WHERE {in_range} AND x.return_intent IN ({}) AND {when} GROUP BY u.position",
                marks.join(", ")
            )
        }
        RegisterCount::Pool => {
            values.push(PoolStatus::Admitted.key().into());
            format!(
                "SELECT u.position, COUNT(*) FROM person_books b JOIN units u ON u.id = b.unit \
                 JOIN persons x ON x.id = b.person_id \
                 WHERE {in_range} AND x.pool_status = {} GROUP BY u.position",
                p(values.len())
            )
        }
        RegisterCount::FollowedUp => {
            let when = in_window("f.created_at", &mut values);
            format!(
                "SELECT u.position, COUNT(DISTINCT f.person_id) FROM person_followups f JOIN units u ON u.id = f.unit \
                 WHERE {in_range} AND {when} GROUP BY u.position"
            )
        }
    };
    (sql, values)
}

/// The `i`th (from 1) bind marker of `backend`.
fn placeholder(backend: DbBackend, i: usize) -> String {
    match backend {
        DbBackend::Postgres => format!("${i}"),
        _ => "?".to_string(),
    }
}
