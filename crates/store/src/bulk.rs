//! Bulk writes for `apply`: thousands of rows in one statement with one JSON parameter, which the
//! database itself expands into rows (SQLite `json_each`, PostgreSQL `jsonb_array_elements`), on
//! the caller's connection so that they stay inside its transaction.
//!
//! Why not the databases' bulk paths: PostgreSQL `COPY` needs the driver's raw connection, which
//! sea-orm 2.0 does not expose for a `DatabaseTransaction` (and a `COPY` on another connection would
//! not be part of the apply's transaction); SQLite has none (its shell's `.import` is a loop of
//! single-row inserts). A multi-row `VALUES` list binds one parameter per value: building, binding
//! and (PostgreSQL) planning 17,000 of them per 1,000 tasks cost more than parsing one JSON text.
//! How the rows reach PostgreSQL hardly matters beyond that: `json_array_elements`,
//! `json(b)_to_recordset` and `unnest` of arrays took the same time within noise, as did 5,000 or
//! 50,000 rows per statement; the time is the insert itself (index entries, foreign-key checks:
//! two thirds of a dependency row's time) and, for `ON CONFLICT`, the speculative insertion (a third
//! more per task row), which is why callers whose rows are known to be new leave it out.

use std::io::Write as _;

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, Value};

/// How a JSON value becomes a column value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A JSON integer (or null) into a BIGINT column.
    Int,
    /// A JSON string (or null) into a TEXT column.
    Text,
}

/// `INSERT INTO table (constants.., columns..) SELECT <constants>, <row values> FROM <rows>
/// [ON CONFLICT (conflict) DO NOTHING]`.
#[derive(Clone, Debug)]
pub(crate) struct BulkInsert<'a> {
    pub table: &'a str,
    /// Columns with the same value in every row, bound once per statement.
    pub constants: Vec<(&'a str, Value)>,
    /// The columns each row gives, as a JSON array of values in this order.
    pub columns: &'a [(&'a str, Kind)],
    /// The unique key whose duplicates are skipped; none: a duplicate is an error. Skipping costs:
    /// PostgreSQL inserts each row speculatively (a third more time per task row), so callers
    /// that know their rows are new (read under the apply's lock) leave it out.
    pub conflict: &'a [&'a str],
}

impl BulkInsert<'_> {
    fn sql(&self, backend: DbBackend) -> String {
        let postgres = backend == DbBackend::Postgres;
        let param = |i: usize| if postgres { format!("${i}") } else { format!("?{i}") };
        let names: Vec<&str> =
            self.constants.iter().map(|(c, _)| *c).chain(self.columns.iter().map(|(c, _)| *c)).collect();
        let mut values: Vec<String> = (1..=self.constants.len()).map(param).collect();
        let rows = param(self.constants.len() + 1);
        for (i, (_, kind)) in self.columns.iter().enumerate() {
            values.push(match (postgres, kind) {
                (true, Kind::Int) => format!("(r.v ->> {i})::bigint"),
                (true, Kind::Text) => format!("r.v ->> {i}"),
                (false, _) => format!("r.value ->> {i}"),
            });
        }
        let from = if postgres {
            format!("jsonb_array_elements({rows}::jsonb) AS r(v)")
        } else {
            // `WHERE true`: SQLite needs it to tell the upsert's ON from a join's.
            format!("json_each({rows}) AS r WHERE true")
        };
        let mut sql = format!(
            "INSERT INTO {} ({}) SELECT {} FROM {from}",
            quote(self.table),
            names.iter().map(|n| quote(n)).collect::<Vec<_>>().join(", "),
            values.join(", "),
        );
        if !self.conflict.is_empty() {
            let key = self.conflict.iter().map(|n| quote(n)).collect::<Vec<_>>().join(", ");
            sql.push_str(&format!(" ON CONFLICT ({key}) DO NOTHING"));
        }
        sql
    }

    /// Inserts `rows` (nothing if there are none).
    pub(crate) async fn exec(&self, db: &impl ConnectionTrait, rows: Rows) -> Result<(), DbErr> {
        if rows.count == 0 {
            return Ok(());
        }
        let backend = db.get_database_backend();
        let mut values: Vec<Value> = self.constants.iter().map(|(_, v)| v.clone()).collect();
        values.push(Value::String(Some(rows.finish())));
        db.execute_raw(Statement::from_sql_and_values(backend, self.sql(backend), values)).await?;
        Ok(())
    }
}

/// Bulk inserts one after another, each one's rows built while the database executes the one
/// before (the building is synchronous, so it runs while the statement's future waits for the
/// answer): `push` each, then `finish`.
pub(crate) struct Pipeline<'a> {
    pending: Option<(BulkInsert<'a>, Rows)>,
}

impl<'a> Pipeline<'a> {
    pub(crate) fn new() -> Pipeline<'a> {
        Pipeline { pending: None }
    }

    /// Builds the rows of `insert` with `build` while the previous statement executes.
    pub(crate) async fn push(
        &mut self,
        db: &impl ConnectionTrait,
        insert: BulkInsert<'a>,
        build: impl FnOnce() -> Rows,
    ) -> Result<(), DbErr> {
        let rows = match self.pending.take() {
            Some((previous, previous_rows)) => {
                let (executed, rows) = tokio::join!(previous.exec(db, previous_rows), async { build() });
                executed?;
                rows
            }
            None => build(),
        };
        self.pending = Some((insert, rows));
        Ok(())
    }

    pub(crate) async fn finish(mut self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        match self.pending.take() {
            Some((insert, rows)) => insert.exec(db, rows).await,
            None => Ok(()),
        }
    }
}

fn quote(name: &str) -> String {
    format!("\"{name}\"")
}

/// Rows written as a JSON array of arrays: `rows.row().text(..).int(..)` per row.
#[derive(Debug)]
pub(crate) struct Rows {
    json: Vec<u8>,
    count: usize,
    first_value: bool,
}

impl Rows {
    pub(crate) fn new() -> Rows {
        Rows { json: b"[".to_vec(), count: 0, first_value: true }
    }

    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// Starts a row; its values follow in column order.
    pub(crate) fn row(&mut self) -> &mut Rows {
        self.json.extend_from_slice(if self.count == 0 { b"[" } else { b"],[" });
        self.count += 1;
        self.first_value = true;
        self
    }

    fn separate(&mut self) {
        if !self.first_value {
            self.json.push(b',');
        }
        self.first_value = false;
    }

    pub(crate) fn int(&mut self, value: i64) -> &mut Rows {
        self.separate();
        let _ = write!(self.json, "{value}"); // writing to a Vec cannot fail
        self
    }

    pub(crate) fn opt_int(&mut self, value: Option<i64>) -> &mut Rows {
        match value {
            Some(v) => self.int(v),
            None => {
                self.separate();
                self.json.extend_from_slice(b"null");
                self
            }
        }
    }

    pub(crate) fn text(&mut self, value: &str) -> &mut Rows {
        self.separate();
        let _ = serde_json::to_writer(&mut self.json, value); // escapes; writing to a Vec cannot fail
        self
    }

    pub(crate) fn opt_text(&mut self, value: Option<&str>) -> &mut Rows {
        match value {
            Some(v) => self.text(v),
            None => {
                self.separate();
                self.json.extend_from_slice(b"null");
                self
            }
        }
    }

    pub(crate) fn finish(mut self) -> String {
        self.json.extend_from_slice(if self.count == 0 { b"]" } else { b"]]" });
        // Only UTF-8 was written: from `&str`s, numbers and ASCII punctuation.
        String::from_utf8(self.json).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}
