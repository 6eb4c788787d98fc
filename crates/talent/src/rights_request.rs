//! A person's request about their own record (PIPL arts. 44–47: 查阅复制, 更正补充, 删除) — how it
//! came, when it is due, how it was answered — and the record's retention review date: the rules
//! that need no IO.
//!
//! The kind itself is [`RightsRequestKind`](crate::RightsRequestKind) (`legal.rs`).

use chrono::{Months, NaiveDate};

use crate::vocabulary::vocabulary;

/// Days from receiving a request to its due date, when the worker gives none.
///
/// PIPL art. 50 asks for requests to be handled "及时" without a number of days. GB/T 35273-2020
/// §8.7 says 30 days, the 政府信息公开条例 (art. 33) 20 working days, and 15 working days is the
/// usual term in local government rules for answering the public. Fifteen *calendar* days is never
/// later than any of them and needs no holiday calendar, so a request is never shown on time when
/// such a rule would call it late; a worker gives another due date where a local rule says so.
pub const REQUEST_DUE_DAYS: u64 = 15;

/// Years from entering a record to its retention review.
///
/// PIPL art. 19 keeps personal information no longer than the purpose needs; the register serves
/// a campaign's contact over a term of office (村、社区 committees sit for five years, 返乡 work is
/// reviewed yearly), and art. 55–56's impact assessments are kept three years. Three years makes
/// every record be looked at again at least once a term, without asking offices to re-justify
/// records they entered last season.
pub const RETENTION_REVIEW_YEARS: u32 = 3;

vocabulary! {
    /// How a request reached the community.
    pub enum RequestChannel ("request-channel") {
        InPerson => "in-person", "当面", "In person", ["来访", "现场"];
        Phone => "phone", "电话", "By phone", ["来电"];
        Writing => "writing", "书面", "In writing", ["信函", "来信"];
        Online => "online", "网上", "Online", ["网络", "微信", "邮件"];
        Other => "other", "其他", "Other";
    }
}

vocabulary! {
    /// How a request was closed.
    pub enum RequestOutcome ("request-outcome") {
        /// Done as asked: a copy given (查阅), the fields corrected (更正), the record erased (删除).
        Done => "done", "已办理", "Done", ["办理", "已办结"];
        /// Refused, with a reason the person is told (e.g. the record is kept for a statutory duty).
        Refused => "refused", "不予办理", "Refused", ["拒绝", "驳回"];
    }
}

vocabulary! {
    /// What a retention review decided.
    pub enum ReviewDecision ("review-decision") {
        /// Still needed: kept until a new review date.
        Keep => "keep", "继续保存", "Keep", ["保留", "保存"];
        /// No longer needed: erased (anonymised).
        Erase => "erase", "删除", "Erase", ["匿名化"];
    }
}

/// The default due date of a request received on `received`.
pub fn request_due(received: NaiveDate) -> NaiveDate {
    received.checked_add_days(chrono::Days::new(REQUEST_DUE_DAYS)).unwrap_or(NaiveDate::MAX)
}

/// Whether an unanswered request due on `due` is overdue on `today` (the due day itself is not).
pub fn request_overdue(due: NaiveDate, today: NaiveDate) -> bool {
    today > due
}

/// The retention review date of a record entered on `entered`.
pub fn retention_review_date(entered: NaiveDate) -> NaiveDate {
    entered.checked_add_months(Months::new(RETENTION_REVIEW_YEARS * 12)).unwrap_or(NaiveDate::MAX)
}

/// Whether a record with review date `review` is to be reviewed on `today` (from that day on).
pub fn review_due(review: NaiveDate, today: NaiveDate) -> bool {
    today >= review
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn due_and_overdue() {
        assert_eq!(request_due(d(2026, 12, 7)), d(2026, 12, 22));
        assert!(!request_overdue(d(2026, 12, 22), d(2026, 12, 22)));
        assert!(request_overdue(d(2026, 12, 22), d(2026, 12, 23)));
    }

    #[test]
    fn retention_review_three_years_on() {
        assert_eq!(retention_review_date(d(2026, 12, 7)), d(2029, 12, 7));
        // A leap day falls back to the month's last day.
        assert_eq!(retention_review_date(d(2028, 2, 29)), d(2031, 2, 28));
        assert!(review_due(d(2029, 12, 7), d(2029, 12, 7)));
        assert!(!review_due(d(2029, 12, 7), d(2029, 12, 6)));
    }

    #[test]
    fn vocabularies_parse_chinese() {
        assert_eq!(RequestChannel::parse("电话"), Ok(RequestChannel::Phone));
        assert_eq!(RequestChannel::parse("in-person"), Ok(RequestChannel::InPerson));
        assert_eq!(RequestOutcome::parse("不予办理"), Ok(RequestOutcome::Refused));
        assert_eq!(ReviewDecision::parse("继续保存"), Ok(ReviewDecision::Keep));
    }
}
