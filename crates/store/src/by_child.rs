//! A run's progress as the dashboard shows it: for one scope, its totals, its templates and
//! figures, and a tally and figure sums for each unit one level below it, each rolled up over that
//! unit's subtree, all counted in SQL.
//!
//! `status::run_status` returns a line for every unit (what `guiyan status --json` and the API
//! give); the dashboard of a district of 10,000 communities shows its 500 streets, so here the
//! database groups the tasks by the scope's child they fall under (about 500 × templates × states
//! rows instead of one per task). A unit's child of the scope is found in the directory's preorder:
//! the scope's subtree is the positions `[position, subtree_end)`, and a unit belongs to the last
//! child of the scope at or before its position (a running `max` over the subtree in position
//! order), which needs one pass over the subtree's units and no index on `parent`.
//!
//! The tallies and sums are read with the same statements and row readers as `run_status`
//! (`status::tally_statement`, `figure_statement`, `read_tally`, `read_sum`,
//! `templates_and_figures`): only the grouping differs.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use report::Tally;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde::Serialize;

use crate::connect::Store;
use crate::error::StoreError;
use crate::read::{RunInfo, UnitRow, find_run, run_info};
use crate::status::{
    FIRST_TASKS_SQL, FigureSums, FigureTotal, TemplateStatus, add_sum, figure_statement, numbered, read_sum,
    read_tally, tally_statement, tally_values,
};

/// A run's progress in one scope, with a line per unit one level below it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScopeProgress {
    pub run: RunInfo,
    pub scope: UnitRow,
    /// Every task of the scope's subtree (its own and its children's subtrees').
    pub totals: Tally,
    /// By template, in the order tasks were written (those with tasks in the scope).
    pub by_template: Vec<TemplateStatus>,
    /// Totals of every figure of the run's templates over the scope, per task in written order.
    pub figures: Vec<FigureTotal>,
    /// The units one level below the scope, in directory order (also those without tasks).
    pub children: Vec<ChildProgress>,
}

/// One unit below the scope: its subtree's tasks and reported figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChildProgress {
    pub unit: UnitRow,
    pub tally: Tally,
    /// Reported figures by `template.key`; a figure nobody in the subtree reported is absent.
    pub figures: BTreeMap<String, f64>,
}

/// The units of the scope's subtree with the position of the scope's child each falls under
/// (`NULL` for the scope itself); `?{scope}` is the scope's id.
fn place(scope: usize) -> String {
    format!(
        "(SELECT u.id, CAST(max(CASE WHEN u.parent = ?{scope} THEN u.position END) OVER (ORDER BY u.position) \
         AS BIGINT) AS child FROM units u, units s \
         WHERE s.id = ?{scope} AND u.position >= s.position AND u.position < s.subtree_end) p \
         JOIN tasks t ON t.unit = p.id"
    )
}

/// The scope and the units one level below it, in directory order; `?1` is the scope's id.
const UNITS_SQL: &str = "SELECT id, name, level, email, parent, depth, position FROM units \
                         WHERE id = ?1 OR parent = ?1 ORDER BY position";

/// The statements [`progress_by_child`] runs, as the backend spells them, with their values in
/// order: the units (scope), the tallies (run, now, due-soon end, scope), the figure sums (run,
/// scope) and the templates' first tasks (run). For the bench, whose baseline runs the same SQL
/// bare.
#[doc(hidden)]
pub fn progress_by_child_sql(backend: DbBackend) -> [String; 4] {
    [
        numbered(backend, UNITS_SQL),
        tally_statement(backend, "p.child", &place(4), "t.run_id = ?1"),
        figure_statement(backend, "p.child", &place(2), "t.run_id = ?1"),
        numbered(backend, FIRST_TASKS_SQL),
    ]
}

/// The progress of run `campaign/key` in the subtree of `scope`, by the units one level below it.
/// `None` when there is no such run; an error when the directory has no unit `scope`.
pub async fn progress_by_child(
    store: &Store,
    campaign: &str,
    key: &str,
    scope: &str,
    now: DateTime<Utc>,
) -> Result<Option<ScopeProgress>, StoreError> {
    let err = |e| StoreError::from_db(&store.url, e);
    let Some(r) = find_run(store, campaign, key).await? else { return Ok(None) };
    let backend = store.backend();
    let [units_sql, tally_sql, figures_sql, _] = progress_by_child_sql(backend);

    let mut scope_row = None;
    let mut children = Vec::new();
    // A child's position → its index in `children`.
    let mut child_at: HashMap<i64, usize> = HashMap::new();
    let rows = store
        .db
        .query_all_raw(Statement::from_sql_and_values(backend, units_sql, [scope.into()]))
        .await
        .map_err(err)?;
    for row in &rows {
        let depth: i32 = row.try_get_by_index(5).map_err(err)?;
        let position: i32 = row.try_get_by_index(6).map_err(err)?;
        let unit = UnitRow {
            id: row.try_get_by_index(0).map_err(err)?,
            name: row.try_get_by_index(1).map_err(err)?,
            level: row.try_get_by_index(2).map_err(err)?,
            email: row.try_get_by_index(3).map_err(err)?,
            parent: row.try_get_by_index(4).map_err(err)?,
            depth: u32::try_from(depth).unwrap_or(0),
        };
        if unit.id == scope {
            scope_row = Some(unit);
        } else {
            child_at.insert(i64::from(position), children.len());
            children.push(ChildProgress { unit, tally: Tally::default(), figures: BTreeMap::new() });
        }
    }
    let scope_row = scope_row.ok_or_else(|| StoreError::Corrupt { what: format!("no unit `{scope}`") })?;

    let mut values = tally_values(r.id, now);
    values.push(scope.into());
    let rows = store.db.query_all_raw(Statement::from_sql_and_values(backend, tally_sql, values)).await.map_err(err)?;
    let mut totals = Tally::default();
    let mut by_template: HashMap<String, Tally> = HashMap::new();
    for row in &rows {
        let child: Option<i64> = row.try_get_by_index(0).map_err(err)?;
        let (template, tally) = read_tally(store, &r, row)?;
        if let Some(&i) = child.and_then(|c| child_at.get(&c)) {
            children[i].tally.merge(&tally);
        }
        totals.merge(&tally);
        by_template.entry(template).or_default().merge(&tally);
    }

    let values: [sea_orm::Value; 2] = [r.id.into(), scope.into()];
    let rows =
        store.db.query_all_raw(Statement::from_sql_and_values(backend, figures_sql, values)).await.map_err(err)?;
    let mut sums = FigureSums::new();
    for row in &rows {
        let child: Option<i64> = row.try_get_by_index(0).map_err(err)?;
        let (key, value, n) = read_sum(store, row)?;
        add_sum(&mut sums, &key, value, n);
        if let Some(&i) = child.and_then(|c| child_at.get(&c)) {
            *children[i].figures.entry(key).or_default() += value;
        }
    }
    let (by_template, figures) =
        crate::status::templates_and_figures(store, &r, &by_template, &sums, Some(scope), now).await?;
    Ok(Some(ScopeProgress { run: run_info(&r)?, scope: scope_row, totals, by_template, figures, children }))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use chrono::{DateTime, Utc};

    use crate::{Actor, Definition, Source, Store};

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("a fixed time").with_timezone(&Utc)
    }

    /// The spring-festival run over 3 streets of 4 communities, with some tasks done (figures
    /// reported) and some open, some of those overdue.
    async fn filled(store: &Store) {
        let campaign = include_str!("../../../workflows/spring-festival.yaml");
        let files = campaign::MemoryFiles(BTreeMap::from([
            (PathBuf::from("workflows/spring-festival.yaml"), campaign.as_bytes().to_vec()),
            (PathBuf::from("workflows/units.yaml"), bench_support::directory_yaml(3, 4).into_bytes()),
        ]));
        let (workflows, diagnostics) = campaign::load(&[PathBuf::from("workflows/spring-festival.yaml")], &files);
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        let c = workflows.campaign("spring-festival").expect("the campaign");
        let directory = workflows.directory_of(c).expect("its directory");
        let apply_at = at("2027-01-17T10:00:00+08:00");
        let runs = plan::runs_open_at(c, directory, workflows.workdays_of(c), apply_at).expect("plans");
        let definitions = vec![Definition {
            campaign: "spring-festival".into(),
            path: "workflows/spring-festival.yaml".into(),
            source: campaign.into(),
        }];
        let actor = Actor { name: "test".into(), source: Source::Cli };
        crate::apply(store, &workflows, &definitions, &runs, apply_at, &actor, false).await.expect("the apply");
        for sql in [
            "UPDATE tasks SET state = 'done', completed_at = opens.at + id * 3600, \
             figures = (SELECT json_group_object(json_extract(f.value, '$.key'), tasks.id % 7 + 1) \
                        FROM json_each(tasks.figure_spec) AS f) \
             FROM (SELECT opens_at AS at FROM runs) AS opens WHERE id % 3 = 0 AND id % 5 <> 0",
            "UPDATE tasks SET state = 'open' WHERE id % 3 = 1",
        ] {
            sea_orm::ConnectionTrait::execute_unprepared(&store.db, sql).await.expect(sql);
        }
    }

    /// The dashboard's read by child gives, for every child of a scope, what `run_status` gives
    /// that child rolled up, and the same totals, templates and figures for the scope.
    #[test]
    fn progress_by_child_agrees_with_every_units_rollup() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("by-child.db").display());
            let store = Store::open(&url).await.expect("open");
            filled(&store).await;
            let now = at("2027-02-02T10:00:00+08:00");
            for scope in ["district-org", "street-001", "street-002-03"] {
                let all = crate::run_progress(&store, "spring-festival", "2027", Some(scope), now)
                    .await
                    .expect("progress")
                    .expect("a run");
                let by_child = super::progress_by_child(&store, "spring-festival", "2027", scope, now)
                    .await
                    .expect("by child")
                    .expect("a run");
                assert_eq!(by_child.scope.id, scope);
                assert_eq!(by_child.totals, all.totals, "{scope}");
                assert_eq!(by_child.by_template, all.by_template, "{scope}");
                assert_eq!(by_child.figures, all.figures, "{scope}");
                let children = crate::children(&store, scope).await.expect("children");
                assert_eq!(
                    by_child.children.iter().map(|c| &c.unit).collect::<Vec<_>>(),
                    children.iter().collect::<Vec<_>>()
                );
                for child in &by_child.children {
                    let line = all.by_unit.iter().find(|u| u.unit == child.unit.id);
                    assert_eq!(child.tally, line.map(|u| u.rolled_up).unwrap_or_default(), "{}", child.unit.id);
                    assert_eq!(child.figures, line.map(|u| u.figures.clone()).unwrap_or_default(), "{}", child.unit.id);
                }
            }
            assert!(
                super::progress_by_child(&store, "spring-festival", "2031", "district-org", now)
                    .await
                    .expect("no error")
                    .is_none()
            );
            store.close().await;
        });
    }
}
