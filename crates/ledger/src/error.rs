//! Why a sheet could not be read at all (a row's own problems are reasons in the errors workbook).

use campaign::Lang;

/// A sheet that cannot be read, or an output that cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    /// Not a workbook calamine can open, or one without a sheet.
    #[error("not a readable workbook: {0}")]
    Workbook(String),
    /// Not CSV (after decoding UTF-8 or GBK).
    #[error("not a readable CSV file: {0}")]
    Csv(String),
    /// No row near the top has two of the sheet's headers.
    #[error("no header row found")]
    NoHeader,
    /// A field's column appears twice in the header.
    #[error("the column {0} appears twice in the header")]
    DuplicateColumn(String),
    /// Writing a workbook failed.
    #[error("cannot write the workbook: {0}")]
    Write(String),
}

impl SheetError {
    /// The problem as a worker reads it, in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match (self, lang) {
            (SheetError::Workbook(e), Lang::Zh) => {
                format!("无法读取该 Excel 文件（{e}）：请另存为 .xlsx 或 CSV 后再试")
            }
            (SheetError::Workbook(e), Lang::En) => {
                format!("the workbook cannot be read ({e}): save it as .xlsx or CSV and try again")
            }
            (SheetError::Csv(e), Lang::Zh) => format!("无法读取该 CSV 文件（{e}）"),
            (SheetError::Csv(e), Lang::En) => format!("the CSV file cannot be read ({e})"),
            (SheetError::NoHeader, Lang::Zh) => "没有找到表头：表格前几行中须有排查统计表的列名（姓名、身份证号、\
                                                  联系电话……），可下载空白模板对照填写"
                .into(),
            (SheetError::NoHeader, Lang::En) => "no header row found: the sheet needs the headers of the \
                                                  乡土人才排查统计表 (姓名 身份证号 联系电话 …) in one row near the \
                                                  top; the empty template shows them"
                .into(),
            (SheetError::DuplicateColumn(h), Lang::Zh) => format!("表头中“{h}”列出现了两次"),
            (SheetError::DuplicateColumn(h), Lang::En) => format!("the column {h} appears twice in the header"),
            (SheetError::Write(e), Lang::Zh) => format!("无法生成表格：{e}"),
            (SheetError::Write(e), Lang::En) => format!("cannot write the workbook: {e}"),
        }
    }
}
