//! What a person's suggestion (意见建议) is about, so that a unit can sort and count them.

use crate::vocabulary::vocabulary;

vocabulary! {
    /// The subject of a suggestion; optional on the record.
    pub enum SuggestionCategory ("suggestion-category") {
        Industry => "industry", "产业发展", "Industry and business", ["产业", "创业"];
        Infrastructure => "infrastructure", "基础设施", "Infrastructure", ["基建"];
        PublicService => "public-service", "公共服务", "Public services", ["民生"];
        Governance => "governance", "乡村治理", "Village governance", ["治理", "基层治理"];
        TalentPolicy => "talent-policy", "人才政策", "Talent policy", ["人才"];
        Other => "other", "其他", "Other", ["其它"];
    }
}
