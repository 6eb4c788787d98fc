//! The PIPL frame of a record: the legal basis it is kept on, and the rights requests a person
//! may make (arts. 44–47).

use campaign::Lang;

use crate::vocabulary::vocabulary;

vocabulary! {
    /// 处理依据, stored per person (PIPL art. 13).
    pub enum LegalBasis ("legal-basis") {
        /// Art. 13(1)(3): necessary for a statutory duty, within art. 34's limits for state organs.
        StatutoryDuty => "statutory-duty", "法定职责", "Statutory duty", ["履行法定职责"];
        /// Art. 13(1)(1): the person's consent (arts. 14–15: informed, withdrawable).
        Consent => "consent", "同意", "Consent", ["个人同意", "本人同意"];
    }
}

impl LegalBasis {
    /// The article the basis rests on, for notices and the record page.
    pub fn article(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (LegalBasis::StatutoryDuty, Lang::Zh) => "《个人信息保护法》第十三条第一款第三项",
            (LegalBasis::StatutoryDuty, Lang::En) => "PIPL art. 13(1)(3)",
            (LegalBasis::Consent, Lang::Zh) => "《个人信息保护法》第十三条第一款第一项",
            (LegalBasis::Consent, Lang::En) => "PIPL art. 13(1)(1)",
        }
    }
}

vocabulary! {
    /// A person's request about their record (PIPL arts. 45–47).
    pub enum RightsRequestKind ("rights-request") {
        Access => "access", "查阅", "See the record", ["查询", "复制"];
        Correction => "correction", "更正", "Correct the record", ["补充", "更正补充"];
        Erasure => "erasure", "删除", "Erase the record";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_names_the_article() {
        assert_eq!(LegalBasis::parse("法定职责"), Ok(LegalBasis::StatutoryDuty));
        assert_eq!(LegalBasis::parse("consent"), Ok(LegalBasis::Consent));
        assert_eq!(LegalBasis::StatutoryDuty.article(Lang::En), "PIPL art. 13(1)(3)");
        assert_eq!(RightsRequestKind::parse("删除"), Ok(RightsRequestKind::Erasure));
    }
}
