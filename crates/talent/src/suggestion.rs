//! The states of a person's suggestion (意见建议) and the moves between them: 受理 → 办理 → 已反馈.

use crate::vocabulary::vocabulary;

vocabulary! {
    /// Where a suggestion stands.
    pub enum SuggestionState ("suggestion-state") {
        Received => "received", "受理", "Received", ["已受理"];
        InProgress => "in-progress", "办理", "In progress", ["办理中"];
        Answered => "answered", "已反馈", "Answered", ["反馈"];
    }
}

impl SuggestionState {
    /// The state a suggestion starts in.
    pub const START: SuggestionState = SuggestionState::Received;

    /// The one state this one may move to; `None` once answered. Steps are never skipped: a
    /// suggestion answered without being handled still passes 办理, so the log shows who handled it.
    pub fn next(self) -> Option<SuggestionState> {
        match self {
            SuggestionState::Received => Some(SuggestionState::InProgress),
            SuggestionState::InProgress => Some(SuggestionState::Answered),
            SuggestionState::Answered => None,
        }
    }

    /// Whether moving from this state to `to` is allowed.
    pub fn can_move_to(self, to: SuggestionState) -> bool {
        self.next() == Some(to)
    }

    /// Whether the suggestion still needs work (and so is reminded and escalated).
    pub fn is_open(self) -> bool {
        self != SuggestionState::Answered
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SuggestionState::*;

    #[test]
    fn transitions() {
        assert!(Received.can_move_to(InProgress));
        assert!(InProgress.can_move_to(Answered));
        assert!(!Received.can_move_to(Answered));
        assert!(!Answered.can_move_to(Received));
        assert!(!InProgress.can_move_to(InProgress));
        assert!(!Answered.is_open() && Received.is_open());
        assert_eq!(SuggestionState::parse("已反馈"), Ok(Answered));
    }
}
