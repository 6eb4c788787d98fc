//! The empty 乡土人才排查统计表: its headers in the order offices use, and a second sheet saying
//! what each column takes.

use campaign::Lang;
use documents::{Cell, Sheet, Workbook};
use talent::{Category, Education, FamilyNeed, Field, Gender, ReturnIntent};

use crate::error::SheetError;

/// The template's columns: 序号, 社区, then every field.
pub fn template_headers() -> Vec<String> {
    let mut header = vec!["序号".to_string(), "社区".to_string()];
    header.extend(Field::ALL.iter().map(|f| f.label(Lang::Zh).to_string()));
    header
}

fn what_it_takes(field: Field) -> String {
    let list = |labels: Vec<&str>| labels.join("、");
    match field {
        Field::Name => "必填".into(),
        Field::Gender => list(Gender::ALL.iter().map(|v| v.label(Lang::Zh)).collect()),
        Field::BirthYearMonth => "如 1985.03、1985年3月；可不填（按身份证号）".into(),
        Field::IdNumber => "18位，末位校验码；与联系电话至少填一项".into(),
        Field::Mobile => "11位手机号；与身份证号至少填一项".into(),
        Field::Address => "加密保存；名单中只显示到街道（乡镇）".into(),
        Field::Category => {
            format!("{}（可填多项，用、分隔）", list(Category::ALL.iter().map(|v| v.label(Lang::Zh)).collect()))
        }
        Field::Education => list(Education::ALL.iter().map(|v| v.label(Lang::Zh)).collect()),
        Field::ReturnIntent => list(ReturnIntent::ALL.iter().map(|v| v.label(Lang::Zh)).collect()),
        Field::FamilyNeeds => {
            format!("{}（可填多项）", list(FamilyNeed::ALL.iter().map(|v| v.label(Lang::Zh)).collect()))
        }
        _ => String::new(),
    }
}

/// The template as .xlsx bytes. The sheet's words are the offices' (zh-CN): its headers are what
/// the importer reads.
pub fn template() -> Result<Vec<u8>, SheetError> {
    let guide = Field::ALL.iter().map(|f| vec![Cell::text(f.label(Lang::Zh)), Cell::text(what_it_takes(*f))]);
    let mut rows: Vec<Vec<Cell>> = vec![
        vec![Cell::text("序号"), Cell::text("不导入，可留空")],
        vec![Cell::text("社区"), Cell::text("一张表含多个社区时填社区名称或代码；只含本社区时可不填")],
    ];
    rows.extend(guide);
    let book = Workbook {
        sheets: vec![
            Sheet {
                name: "乡土人才排查统计表".into(), title: None, header: template_headers(), rows: Vec::new()
            },
            Sheet { name: "填写说明".into(), title: None, header: vec!["列".into(), "填写要求".into()], rows },
        ],
    };
    documents::xlsx::render(&book).map_err(|e| SheetError::Write(e.to_string()))
}
