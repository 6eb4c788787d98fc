//! Who is looking: a unit (from its link) or a leadership reader, and what it may see and change.
//! Every route asks the viewer, never the request, whether a unit or task is in scope.

use links::Subject;
use store::Store;

/// The person or unit behind a request, once its session (or bearer token) checked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Viewer {
    pub subject: Subject,
    /// The unit whose subtree the viewer sees: its own unit, or a reader's scope.
    pub scope: String,
    /// The name to greet: the unit's, or the reader's.
    pub name: String,
    /// The scope unit's name.
    pub scope_name: String,
    /// The unit whose tasks the viewer reports (units only).
    pub own_unit: Option<String>,
    /// Whether the scope has units below it (a street office, the district): it sees a dashboard.
    pub has_units_below: bool,
}

/// Why a subject cannot view anything (its unit or reader is gone from the directory).
#[derive(Debug)]
pub enum NoViewer {
    Gone,
    Store(store::StoreError),
}

impl From<store::StoreError> for NoViewer {
    fn from(e: store::StoreError) -> NoViewer {
        NoViewer::Store(e)
    }
}

impl Viewer {
    /// The viewer for `subject`, from the directory as last applied.
    pub async fn of(store: &Store, subject: Subject) -> Result<Viewer, NoViewer> {
        match &subject {
            Subject::Unit(unit) => {
                let Some(row) = store::unit(store, unit.as_str()).await? else { return Err(NoViewer::Gone) };
                let has_units_below = store::has_units_below(store, &row.id).await?;
                Ok(Viewer::of_unit(subject, store::UnitPlace { unit: row, has_units_below }))
            }
            Subject::Reader(key) => {
                let Some(reader) = store::reader(store, key.as_str()).await? else { return Err(NoViewer::Gone) };
                let scope_name = store::unit(store, &reader.scope).await?.map(|u| u.name).unwrap_or_default();
                Ok(Viewer {
                    scope: reader.scope,
                    name: reader.name,
                    scope_name,
                    own_unit: None,
                    has_units_below: true,
                    subject,
                })
            }
        }
    }

    /// The viewer of a unit's `subject`, from its `place` in the directory (read with the session's
    /// standing, in the same query).
    pub fn of_unit(subject: Subject, place: store::UnitPlace) -> Viewer {
        let row = place.unit;
        Viewer {
            scope: row.id.clone(),
            name: row.name.clone(),
            scope_name: row.name,
            own_unit: Some(row.id),
            has_units_below: place.has_units_below,
            subject,
        }
    }

    /// Whether `unit` is in the viewer's subtree (its own unit or below).
    pub async fn sees(&self, store: &Store, unit: &str) -> Result<bool, store::StoreError> {
        // Its own scope needs no look-up (a unit on its own task pages: most requests).
        if unit == self.scope {
            return Ok(true);
        }
        store::is_within(store, unit, &self.scope).await
    }

    /// Whether the viewer reports `unit`'s tasks: only a unit its own.
    pub fn reports_for(&self, unit: &str) -> bool {
        self.own_unit.as_deref() == Some(unit)
    }
}
