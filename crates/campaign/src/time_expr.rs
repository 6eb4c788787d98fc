//! Time expressions of a campaign: `open`, `close` or `anchor`, plus an optional offset.

use std::fmt;

use calendar::{Offset, OffsetError, parse_offset};

/// What a time expression is relative to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Base {
    Open,
    Close,
    Anchor,
}

impl Base {
    pub fn name(self) -> &'static str {
        match self {
            Base::Open => "open",
            Base::Close => "close",
            Base::Anchor => "anchor",
        }
    }
}

/// `open+3d`, `anchor-5wd`, `close`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeExpr {
    pub base: Base,
    pub offset: Option<Offset>,
}

impl fmt::Display for TimeExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.base.name())?;
        if let Some(offset) = self.offset {
            write!(f, "{offset}")?;
        }
        Ok(())
    }
}

/// Why a time expression did not parse (the caller words the diagnostic).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimeExprError {
    UnknownBase(String),
    Offset(OffsetError),
}

impl fmt::Display for TimeExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeExprError::UnknownBase(base) => write!(f, "`{base}` is not open, close or anchor"),
            TimeExprError::Offset(error) => write!(f, "{error}"),
        }
    }
}

/// Parses `open`, `close`, `anchor`, each optionally followed by `+N<unit>` or `-N<unit>`.
pub fn parse_time_expr(text: &str) -> Result<TimeExpr, TimeExprError> {
    // `open + 3d` is as clear as `open+3d`.
    let text: String = text.split_whitespace().collect();
    let text = text.as_str();
    let split = text.find(['+', '-']).unwrap_or(text.len());
    let (base_text, offset_text) = text.split_at(split);
    let base = match base_text.trim() {
        "open" => Base::Open,
        "close" => Base::Close,
        "anchor" => Base::Anchor,
        other => return Err(TimeExprError::UnknownBase(other.to_string())),
    };
    let offset =
        if offset_text.is_empty() { None } else { Some(parse_offset(offset_text).map_err(TimeExprError::Offset)?) };
    Ok(TimeExpr { base, offset })
}

#[cfg(test)]
mod tests {
    use super::*;
    use calendar::OffsetUnit;

    #[test]
    fn parses_bases_and_offsets() {
        assert_eq!(parse_time_expr("close"), Ok(TimeExpr { base: Base::Close, offset: None }));
        let e = parse_time_expr("open+3d").unwrap();
        assert_eq!((e.base, e.offset.map(|o| (o.amount, o.unit))), (Base::Open, Some((3, OffsetUnit::Days))));
        let e = parse_time_expr("anchor-5wd").unwrap();
        assert_eq!(e.offset.map(|o| (o.amount, o.unit)), Some((-5, OffsetUnit::WorkingDays)));
        assert_eq!(parse_time_expr("anchor-5wd").unwrap().to_string(), "anchor-5wd");
        assert_eq!(parse_time_expr(" open + 3d ").unwrap().to_string(), "open+3d");
    }

    #[test]
    fn rejects_unknown_base_and_bad_offsets() {
        assert!(matches!(parse_time_expr("begin+3d"), Err(TimeExprError::UnknownBase(_))));
        assert!(matches!(parse_time_expr("open+3x"), Err(TimeExprError::Offset(_))));
        assert!(matches!(parse_time_expr(""), Err(TimeExprError::UnknownBase(_))));
    }
}
