//! The matching ladder: whether two records are one person, from equality facts alone.
//!
//! The store compares blind indexes (keyed hashes) and normal forms and hands the outcomes here;
//! no personal data reaches this function, so the rules can be tested exhaustively.
//!
//! | facts | strength |
//! |---|---|
//! | same ID number | `Same`, whatever the names (a typo or a changed name is still the person) |
//! | both have ID numbers and they differ | `None`, whatever else agrees (two people) |
//! | same mobile and same name, birth not known to differ | `Candidate`: a person confirms, since families share phones and a parent may give a child their own name's phone |
//! | same mobile and same name, birth differs | `Weak` |
//! | same name, same birth year-month, same home village | `Weak` |
//! | name alone, or anything else | `None` |
//!
//! Never `Same` without an ID number.

use serde::Serialize;

/// The outcome of comparing one field of two records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fact {
    /// Both records have the field and it is equal.
    Same,
    /// Both records have the field and it differs.
    Differs,
    /// At least one record lacks the field.
    Unknown,
}

impl Fact {
    /// The fact about two optional values.
    pub fn of<T: PartialEq>(a: Option<T>, b: Option<T>) -> Fact {
        match (a, b) {
            (Some(a), Some(b)) if a == b => Fact::Same,
            (Some(_), Some(_)) => Fact::Differs,
            _ => Fact::Unknown,
        }
    }
}

/// What is known about two records, field by field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MatchFacts {
    /// The ID numbers' blind indexes.
    pub id_number: Fact,
    /// The mobiles' blind indexes.
    pub mobile: Fact,
    /// The names in normal form (`normalise_name`).
    pub name: Fact,
    pub birth_year_month: Fact,
    /// The home village (the area code the address is kept at).
    pub home_village: Fact,
}

/// What one record offers the ladder, as the store keeps it: the blind indexes of its ID number
/// and mobile, its name's (normal form's) index, its birth year-month and its village's area code.
/// `K` is whatever the store compares: hex text, bytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct MatchKeys<K> {
    pub id_number: Option<K>,
    pub mobile: Option<K>,
    pub name: Option<K>,
    pub birth_year_month: Option<crate::BirthYearMonth>,
    pub home_village: Option<K>,
}

impl<K: PartialEq> MatchKeys<K> {
    /// The facts of comparing two records field by field.
    pub fn compare(&self, other: &MatchKeys<K>) -> MatchFacts {
        MatchFacts {
            id_number: Fact::of(self.id_number.as_ref(), other.id_number.as_ref()),
            mobile: Fact::of(self.mobile.as_ref(), other.mobile.as_ref()),
            name: Fact::of(self.name.as_ref(), other.name.as_ref()),
            birth_year_month: Fact::of(self.birth_year_month, other.birth_year_month),
            home_village: Fact::of(self.home_village.as_ref(), other.home_village.as_ref()),
        }
    }

    /// How strongly two records are one person.
    pub fn strength(&self, other: &MatchKeys<K>) -> MatchStrength {
        match_strength(self.compare(other))
    }
}

/// How strongly two records are one person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchStrength {
    /// Not to be treated as the same person.
    None,
    /// Possibly the same: shown to a worker as a hint.
    Weak,
    /// Likely the same: a worker must confirm before records are merged.
    Candidate,
    /// The same person: entry and import use the existing record.
    Same,
}

/// The ladder (see the module documentation).
pub fn match_strength(facts: MatchFacts) -> MatchStrength {
    match facts.id_number {
        Fact::Same => return MatchStrength::Same,
        Fact::Differs => return MatchStrength::None,
        Fact::Unknown => {}
    }
    if facts.name != Fact::Same {
        return MatchStrength::None;
    }
    if facts.mobile == Fact::Same {
        return if facts.birth_year_month == Fact::Differs { MatchStrength::Weak } else { MatchStrength::Candidate };
    }
    if facts.birth_year_month == Fact::Same && facts.home_village == Fact::Same {
        return MatchStrength::Weak;
    }
    MatchStrength::None
}

#[cfg(test)]
mod tests {
    use super::*;
    use Fact::*;
    use proptest::prelude::*;

    fn facts(id_number: Fact, mobile: Fact, name: Fact, birth: Fact, village: Fact) -> MatchFacts {
        MatchFacts { id_number, mobile, name, birth_year_month: birth, home_village: village }
    }

    #[test]
    fn the_ladder() {
        assert_eq!(match_strength(facts(Same, Differs, Differs, Differs, Differs)), MatchStrength::Same);
        assert_eq!(match_strength(facts(Differs, Same, Same, Same, Same)), MatchStrength::None);
        assert_eq!(match_strength(facts(Unknown, Same, Same, Unknown, Unknown)), MatchStrength::Candidate);
        assert_eq!(match_strength(facts(Unknown, Same, Same, Differs, Unknown)), MatchStrength::Weak);
        assert_eq!(match_strength(facts(Unknown, Same, Differs, Same, Same)), MatchStrength::None);
        assert_eq!(match_strength(facts(Unknown, Unknown, Same, Same, Same)), MatchStrength::Weak);
        assert_eq!(match_strength(facts(Unknown, Differs, Same, Same, Same)), MatchStrength::Weak);
        assert_eq!(match_strength(facts(Unknown, Unknown, Same, Same, Unknown)), MatchStrength::None);
        assert_eq!(match_strength(facts(Unknown, Unknown, Same, Unknown, Unknown)), MatchStrength::None);
    }

    #[test]
    fn fact_of_options() {
        assert_eq!(Fact::of(Some(1), Some(1)), Same);
        assert_eq!(Fact::of(Some(1), Some(2)), Differs);
        assert_eq!(Fact::of(None, Some(2)), Unknown);
        assert_eq!(Fact::of::<u8>(None, None), Unknown);
    }

    #[test]
    fn keys_compare_field_by_field() {
        let a = MatchKeys { id_number: None, mobile: Some("m1"), name: Some("n1"), ..Default::default() };
        let sibling = MatchKeys { mobile: Some("m1"), name: Some("n2"), ..a.clone() };
        let again = MatchKeys { id_number: Some("i1"), ..a.clone() };
        assert_eq!(a.strength(&sibling), MatchStrength::None, "families share phones");
        assert_eq!(a.strength(&again), MatchStrength::Candidate);
        let other_id = MatchKeys { id_number: Some("i2"), ..again.clone() };
        assert_eq!(again.strength(&other_id), MatchStrength::None);
        assert_eq!(again.compare(&again).id_number, Same);
    }

    fn fact() -> impl Strategy<Value = Fact> {
        prop::sample::select(vec![Same, Differs, Unknown])
    }

    fn any_facts() -> impl Strategy<Value = MatchFacts> {
        (fact(), fact(), fact(), fact(), fact()).prop_map(|(i, m, n, b, v)| facts(i, m, n, b, v))
    }

    proptest! {
        #[test]
        fn same_only_with_the_same_id(f in any_facts()) {
            prop_assert_eq!(match_strength(f) == MatchStrength::Same, f.id_number == Same);
        }

        #[test]
        fn differing_ids_never_match(f in any_facts()) {
            if f.id_number == Differs {
                prop_assert_eq!(match_strength(f), MatchStrength::None);
            }
        }

        #[test]
        fn the_name_alone_never_matches(f in any_facts()) {
            let name_only = MatchFacts { id_number: Unknown, mobile: Unknown, name: f.name, birth_year_month: Unknown, home_village: Unknown };
            prop_assert_eq!(match_strength(name_only), MatchStrength::None);
        }

        #[test]
        fn without_an_id_a_different_name_never_matches(f in any_facts()) {
            if f.id_number != Same && f.name != Same {
                prop_assert_eq!(match_strength(f), MatchStrength::None);
            }
        }

        #[test]
        fn agreeing_more_never_weakens(f in any_facts(), field in 0usize..5) {
            // Turning an unknown field into an agreeing one never lowers the strength.
            let mut g = f;
            let slot = match field { 0 => &mut g.id_number, 1 => &mut g.mobile, 2 => &mut g.name, 3 => &mut g.birth_year_month, _ => &mut g.home_village };
            if *slot == Unknown {
                *slot = Same;
                prop_assert!(match_strength(g) >= match_strength(f));
            }
        }
    }
}
