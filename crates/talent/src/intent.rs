//! What the liaison work aims at: a person's intent to return, and the reserve-cadre pool
//! (后备干部库) with the route a person entered it by.

use crate::vocabulary::vocabulary;

vocabulary! {
    /// 返乡意愿. `Unknown` (未知) is what an empty cell means; `NoneYet` (暂无) is an answer.
    pub enum ReturnIntent ("return-intent") {
        StartBusiness => "start-business", "创业", "Start a business", ["返乡创业"];
        TakeOffice => "take-office", "任职", "Take office", ["返乡任职"];
        Employment => "employment", "就业", "Take a job", ["返乡就业"];
        NoneYet => "none-yet", "暂无", "None yet", ["无", "没有"];
        Unknown => "unknown", "未知", "Unknown", ["不详", "不清楚"];
    }
}

vocabulary! {
    /// 后备干部库 status, in the order a person moves through it.
    pub enum PoolStatus ("pool-status") {
        Recommended => "recommended", "推荐", "Recommended";
        UnderReview => "under-review", "考察", "Under review";
        Admitted => "admitted", "入库", "Admitted";
        Withdrawn => "withdrawn", "退出", "Withdrawn";
    }
}

vocabulary! {
    /// How a person entered the pool (鹤壁大胡街道: 个人自荐 / 民主测评 / 村级组织推荐).
    pub enum PoolRoute ("pool-route") {
        SelfNominated => "self-nominated", "自荐", "Self-nominated", ["个人自荐"];
        DemocraticAssessment => "democratic-assessment", "民主测评", "Democratic assessment", ["测评"];
        OrganisationRecommended => "organisation-recommended", "组织推荐", "Recommended by the organisation", ["推荐", "村级组织推荐"];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases() {
        assert_eq!(PoolRoute::parse("测评"), Ok(PoolRoute::DemocraticAssessment));
        assert_eq!(PoolRoute::parse("推荐"), Ok(PoolRoute::OrganisationRecommended));
        assert_eq!(ReturnIntent::parse("创业"), Ok(ReturnIntent::StartBusiness));
        assert_eq!(ReturnIntent::parse("start-business"), Ok(ReturnIntent::StartBusiness));
        assert_eq!(PoolStatus::parse("入库"), Ok(PoolStatus::Admitted));
        assert!(PoolStatus::parse("在库").is_err());
    }
}
