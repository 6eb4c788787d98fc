//! 家属需求: what the family at home needs, as categories only.
//!
//! PIPL art. 6 (minimisation): the registry records that a family needs help with medical access,
//! never a diagnosis, an income or 低保 status; details go nowhere but a short free note the
//! worker is told to keep general.

use crate::vocabulary::vocabulary;

vocabulary! {
    /// One category of need of the family at home.
    pub enum FamilyNeed ("family-need") {
        ChildEducation => "child-education", "子女教育", "Children's schooling", ["子女上学", "子女入学"];
        ElderCare => "elder-care", "老人照料", "Care of the elderly", ["老人照顾", "养老"];
        Employment => "employment", "就业", "Employment", ["家属就业"];
        Housing => "housing", "住房", "Housing";
        MedicalAccess => "medical-access", "医疗就医", "Access to medical care", ["就医", "医疗"];
        Other => "other", "其他", "Other", ["其它"];
    }
}

/// Characters a cell separates needs with: 、，, ; ；and whitespace.
const SEPARATORS: &[char] = &['、', '，', ',', ';', '；', '/', ' ', '\u{3000}'];

/// Splits a cell such as `子女教育、老人照料` into needs, in order, without repeats. An empty cell
/// is no need; every unknown item is reported.
pub fn parse_family_needs(text: &str) -> Result<Vec<FamilyNeed>, Vec<crate::UnknownValue>> {
    let mut needs = Vec::new();
    let mut unknown = Vec::new();
    for item in text.split(SEPARATORS).map(str::trim).filter(|s| !s.is_empty()) {
        match FamilyNeed::parse(item) {
            Ok(need) if !needs.contains(&need) => needs.push(need),
            Ok(_) => {}
            Err(e) => unknown.push(e),
        }
    }
    if unknown.is_empty() { Ok(needs) } else { Err(unknown) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_every_separator() {
        assert_eq!(
            parse_family_needs("子女教育、老人照料，住房;就医 ; 子女教育"),
            Ok(vec![FamilyNeed::ChildEducation, FamilyNeed::ElderCare, FamilyNeed::Housing, FamilyNeed::MedicalAccess])
        );
        assert_eq!(parse_family_needs("  "), Ok(vec![]));
        let err = parse_family_needs("住房、低保、收入").unwrap_err();
        assert_eq!(err.iter().map(|e| e.value.as_str()).collect::<Vec<_>>(), ["低保", "收入"]);
    }
}
