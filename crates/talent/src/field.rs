//! The fields of a person record as a form and the 排查统计表 name them; the importer finds a
//! column by its header through [`Field::parse`].

use crate::vocabulary::vocabulary;

vocabulary! {
    /// One field of a person draft, in the order of the 排查统计表's columns.
    pub enum Field ("field") {
        Name => "name", "姓名", "Name", ["名字"];
        Gender => "gender", "性别", "Gender";
        BirthYearMonth => "birth-year-month", "出生年月", "Year and month of birth", ["出生日期", "出生年月日"];
        IdNumber => "id-number", "身份证号", "ID number", ["身份证号码", "公民身份号码", "身份证"];
        Mobile => "mobile", "联系电话", "Mobile", ["手机号", "手机号码", "手机", "电话", "联系方式"];
        Address => "address", "家庭住址", "Home address", ["住址", "家庭地址", "地址"];
        Employer => "employer", "工作单位", "Employer", ["单位"];
        WorkPlace => "work-place", "工作地点", "Place of work", ["务工地点", "工作地"];
        Category => "category", "人才类别", "Category", ["类别", "人员类别"];
        Education => "education", "学历", "Education", ["文化程度"];
        Specialty => "specialty", "专业特长", "Specialty", ["特长", "专长"];
        ReturnIntent => "return-intent", "返乡意愿", "Intent to return", ["返乡创业意愿", "回乡意愿"];
        FamilyNeeds => "family-needs", "家属需求", "Family needs", ["在家直系亲属生活需求", "家属生活需求", "家庭需求"];
        Note => "note", "备注", "Note", ["说明"];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use campaign::Lang;

    #[test]
    fn headers_of_the_sheet_parse() {
        let headers = "姓名 性别 出生年月 身份证号 联系电话 家庭住址 工作单位 工作地点 人才类别 学历 专业特长 返乡意愿 家属需求 备注";
        let fields: Vec<Field> = headers.split(' ').map(|h| Field::parse(h).unwrap()).collect();
        assert_eq!(fields, Field::ALL);
        assert_eq!(Field::parse("手机号"), Ok(Field::Mobile));
        assert!(Field::parse("序号").is_err());
        assert_eq!(Field::Mobile.label(Lang::En), "Mobile");
    }
}
