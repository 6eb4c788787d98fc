//! What can go wrong with the key file and with sealed values. No message carries a plaintext or a
//! key: a sealed value's problem names only its field.

use std::path::PathBuf;

use campaign::Lang;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The key file is not a key file this version reads.
    #[error("{}: not a valid key file: {reason}", path.display())]
    Format { path: PathBuf, reason: String },
    /// Group or others may read or write the key file.
    #[error("{}: the key file is open to others (mode {mode:o}); run `chmod 600` on it", path.display())]
    TooOpen { path: PathBuf, mode: u32 },
    /// The operating system's random source failed.
    #[error("no randomness from the operating system: {0}")]
    Random(String),
    /// Sealing failed (a value over the cipher's limit of 64 GiB).
    #[error("cannot seal a value of field `{field}`")]
    Seal { field: String },
    /// A sealed value is shorter than its header and tag, or of an unknown version.
    #[error("a sealed value of field `{field}` is malformed")]
    Malformed { field: String },
    /// A sealed value names a key the key file does not hold.
    #[error("a sealed value of field `{field}` needs key {key_id}, which the key file does not hold")]
    UnknownKey { field: String, key_id: u32 },
    /// The tag did not verify: the value was changed, moved from another field, or sealed under
    /// another key file.
    #[error("a sealed value of field `{field}` does not verify (changed, or from another field or key file)")]
    Tampered { field: String },
    /// The value opened but is not UTF-8 text.
    #[error("a sealed value of field `{field}` is not text")]
    NotText { field: String },
}

impl VaultError {
    /// The problem in the reader's language.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => match self {
                VaultError::Io { path, source } => format!("{}：{source}", path.display()),
                VaultError::Format { path, reason } => format!("{}：不是有效的密钥文件（{reason}）", path.display()),
                VaultError::TooOpen { path, mode } => {
                    format!("{}：密钥文件对其他用户开放（权限{mode:o}），请执行 chmod 600", path.display())
                }
                VaultError::Random(e) => format!("无法从操作系统取得随机数：{e}"),
                VaultError::Seal { field } => format!("字段“{field}”的值无法加密"),
                VaultError::Malformed { field } => format!("字段“{field}”的密文格式不正确"),
                VaultError::UnknownKey { field, key_id } => {
                    format!("字段“{field}”的密文需要密钥{key_id}，密钥文件中没有")
                }
                VaultError::Tampered { field } => {
                    format!("字段“{field}”的密文校验失败（被改动，或来自其他字段或其他密钥文件）")
                }
                VaultError::NotText { field } => format!("字段“{field}”解密后不是文本"),
            },
        }
    }
}
