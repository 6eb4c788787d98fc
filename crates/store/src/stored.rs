//! Values stored as text, read back typed: a task's state, its figure spec and its schedule. A
//! value that does not read is [`StoreError::Corrupt`], naming the task, never a default.

use campaign::Figure;
use plan::{Schedule, TaskState};

use crate::error::StoreError;

/// A stored task state.
pub(crate) fn task_state(text: &str, task: i64) -> Result<TaskState, StoreError> {
    TaskState::from_name(text).ok_or_else(|| StoreError::Corrupt { what: format!("task {task} in state `{text}`") })
}

/// A stored figure spec: the figures a task asks for, as the campaign declared them.
pub(crate) fn figure_spec(text: &str, task: i64) -> Result<Vec<Figure>, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Corrupt { what: format!("task {task} with a figure spec that does not read ({e})") })
}

/// The stored text of a figure spec.
pub(crate) fn figure_spec_text(figures: &[Figure]) -> String {
    // Strings, booleans and an enum always serialize.
    serde_json::to_string(figures).unwrap_or_default()
}

/// A stored schedule.
pub(crate) fn schedule(text: &str, task: i64) -> Result<Schedule, StoreError> {
    Schedule::parse(text)
        .map_err(|e| StoreError::Corrupt { what: format!("task {task} with a schedule that does not read ({e})") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_spec_reads_back_in_the_shape_it_was_always_stored() {
        let text = r#"[{"key":"visited","label":"走访","unit":"人","kind":"integer","required":true},{"key":"hours","label":"时长","unit":null,"kind":"decimal","required":false}]"#;
        let figures = figure_spec(text, 1).expect("reads");
        assert_eq!(figure_spec_text(&figures), text);
        assert!(matches!(figure_spec("[{\"key\":1}]", 7), Err(StoreError::Corrupt { .. })));
        assert!(matches!(task_state("finished", 7), Err(StoreError::Corrupt { .. })));
    }
}
