//! What a person is, as the 排查统计表 records it: gender, talent category, education.

use crate::vocabulary::vocabulary;

vocabulary! {
    /// 性别.
    pub enum Gender ("gender") {
        Male => "male", "男", "Male", ["男性"];
        Female => "female", "女", "Female", ["女性"];
    }
}

impl Gender {
    /// The gender the 17th character of an ID number encodes: odd for men, even for women.
    pub fn from_id_digit(digit: u8) -> Gender {
        if digit % 2 == 1 { Gender::Male } else { Gender::Female }
    }
}

vocabulary! {
    /// 人才类别: the five kinds the 乡土人才 registers count.
    pub enum Category ("category") {
        MigrantWorker => "migrant-worker", "外出务工经商人员", "Working or trading away from home", ["外出务工经商", "外出务工", "务工经商"];
        Professional => "professional", "专业技术人员", "Professional or technical staff", ["专技人员", "专业技术"];
        Retiree => "retiree", "机关企事业单位离退休人员", "Retired from public bodies or enterprises", ["离退休人员", "离退休"];
        Graduate => "graduate", "大中专毕业生", "College or vocational-school graduate", ["大中专学生", "毕业生"];
        Other => "other", "其他", "Other", ["其它"];
    }
}

vocabulary! {
    /// 学历: the highest level completed. A closed list of six, with the spellings offices use for
    /// the same level as aliases (职高 and 技校 are 中专 level; 硕士 and 博士 are 研究生).
    pub enum Education ("education") {
        JuniorHighOrBelow => "junior-high-or-below", "初中及以下", "Junior high school or below", ["初中", "小学", "小学及以下", "初中以下"];
        SeniorHigh => "senior-high", "高中", "Senior high school", ["普高", "普通高中"];
        SecondaryVocational => "secondary-vocational", "中专", "Secondary vocational school", ["职高", "中专/职高", "中专（职高）", "中职", "技校", "中技"];
        JuniorCollege => "junior-college", "大专", "Junior college", ["专科", "大学专科", "高职"];
        Bachelor => "bachelor", "本科", "Bachelor's degree", ["大学本科", "大学"];
        Postgraduate => "postgraduate", "研究生", "Postgraduate", ["硕士", "博士", "硕士研究生", "博士研究生"];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use campaign::Lang;

    #[test]
    fn office_spellings_parse() {
        assert_eq!(Education::parse("职高"), Ok(Education::SecondaryVocational));
        assert_eq!(Education::parse("中专/职高"), Ok(Education::SecondaryVocational));
        assert_eq!(Education::parse("硕士"), Ok(Education::Postgraduate));
        assert_eq!(Category::parse("外出务工经商人员"), Ok(Category::MigrantWorker));
        assert_eq!(Category::parse("retiree"), Ok(Category::Retiree));
        assert_eq!(Gender::parse("女"), Ok(Gender::Female));
        assert!(Gender::parse("未知").is_err());
        assert_eq!(Category::Graduate.label(Lang::Zh), "大中专毕业生");
    }

    #[test]
    fn every_label_and_key_parses_back() {
        for e in Education::ALL {
            assert_eq!(Education::parse(e.label(Lang::Zh)), Ok(*e));
            assert_eq!(Education::parse(e.key()), Ok(*e));
        }
        for c in Category::ALL {
            assert_eq!(Category::parse(c.label(Lang::Zh)), Ok(*c));
            assert_eq!(Category::parse(c.key()), Ok(*c));
        }
    }

    #[test]
    fn gender_digit() {
        assert_eq!(Gender::from_id_digit(3), Gender::Male);
        assert_eq!(Gender::from_id_digit(0), Gender::Female);
    }
}
