//! What a figure may be counted from in the talent register (`counted:`): the register's records,
//! not a number a unit types, make the work report's 入库X人, 返乡创业意愿X人 and 纳入后备干部库X人.

/// A count of the talent register, over one unit's books (its subtree's) during a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegisterCount {
    /// Persons entered into the unit's books during the run (乡土人才入库).
    Entered,
    /// Persons of the unit's books whose intent to return was confirmed as 创业 during the run.
    IntentStartup,
    /// Persons of the unit's books whose intent to return was confirmed as 创业, 任职 or 就业
    /// during the run.
    IntentReturn,
    /// Persons of the unit's books in the reserve-cadre pool (入库) at the moment of counting: the
    /// pool status carries no date, so this one is not limited to the run.
    Pool,
    /// Distinct persons with a follow-up recorded by the unit (or a unit below it) during the run.
    FollowedUp,
}

impl RegisterCount {
    /// Every count, in the order they are listed to authors.
    pub const ALL: [RegisterCount; 5] = [
        RegisterCount::Entered,
        RegisterCount::IntentStartup,
        RegisterCount::IntentReturn,
        RegisterCount::Pool,
        RegisterCount::FollowedUp,
    ];

    /// The names the campaign format takes.
    pub const NAMES: &'static [&'static str] = &["entered", "intent-startup", "intent-return", "pool", "followed-up"];

    /// The name in the campaign format.
    pub fn name(self) -> &'static str {
        match self {
            RegisterCount::Entered => "entered",
            RegisterCount::IntentStartup => "intent-startup",
            RegisterCount::IntentReturn => "intent-return",
            RegisterCount::Pool => "pool",
            RegisterCount::FollowedUp => "followed-up",
        }
    }

    /// The count named `name`; `None` for anything else (never a default).
    pub fn from_name(name: &str) -> Option<RegisterCount> {
        RegisterCount::ALL.into_iter().find(|c| c.name() == name)
    }

    /// What it counts, for pages and reports (`人才名册本期登记入库`).
    pub fn describe(self, lang: crate::Lang) -> &'static str {
        match (self, lang) {
            (RegisterCount::Entered, crate::Lang::Zh) => "本期在人才名册登记的人数",
            (RegisterCount::IntentStartup, crate::Lang::Zh) => "本期确认有返乡创业意愿的人数",
            (RegisterCount::IntentReturn, crate::Lang::Zh) => "本期确认有返乡创业、任职或就业意愿的人数",
            (RegisterCount::Pool, crate::Lang::Zh) => "纳入后备干部库的人数",
            (RegisterCount::FollowedUp, crate::Lang::Zh) => "本期有回访记录的人数",
            (RegisterCount::Entered, crate::Lang::En) => "persons entered in the register this season",
            (RegisterCount::IntentStartup, crate::Lang::En) => {
                "persons confirmed this season as intending to start a business at home"
            }
            (RegisterCount::IntentReturn, crate::Lang::En) => {
                "persons confirmed this season as intending to return to a business, an office or a job"
            }
            (RegisterCount::Pool, crate::Lang::En) => "persons in the reserve-cadre pool",
            (RegisterCount::FollowedUp, crate::Lang::En) => "persons followed up this season",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back_and_nothing_else_does() {
        for count in RegisterCount::ALL {
            assert_eq!(RegisterCount::from_name(count.name()), Some(count));
            let json = serde_json::to_string(&count).expect("serializes");
            assert_eq!(json, format!("\"{}\"", count.name()));
        }
        assert_eq!(RegisterCount::NAMES.len(), RegisterCount::ALL.len());
        assert_eq!(RegisterCount::from_name("Entered"), None);
        assert_eq!(RegisterCount::from_name(""), None);
    }
}
