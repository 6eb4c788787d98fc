//! The one error type of the renderers that can fail: the binary formats, whose writers report
//! limits (Excel's row count, string length, date range) and archive errors as values.

/// Why a `.docx` or `.xlsx` could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// rust_xlsxwriter refused a value or a sheet (more than 1,048,576 rows, a text over 32,767
    /// characters, …).
    #[error("the workbook could not be written: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// A date-time outside what Excel can hold (years 1900–9999) or not a real date.
    #[error(
        "sheet {sheet:?}, row {row}, column {column}: {year:04}-{month:02}-{day:02} {hour:02}:{minute:02} is not a date-time Excel can hold"
    )]
    InvalidDateTime { sheet: String, row: usize, column: usize, year: i32, month: u8, day: u8, hour: u8, minute: u8 },
    /// The zip archive of a `.docx` could not be written (in memory, so only on a bug or a limit).
    #[error("the .docx archive could not be written: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// Writing into the in-memory archive failed.
    #[error("the .docx archive could not be written: {0}")]
    Io(#[from] std::io::Error),
}
