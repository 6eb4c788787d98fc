//! What the key file's owner must be told, in both languages.

use std::path::PathBuf;

use campaign::Lang;

/// A notice to print when the key file changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyFileNotice {
    /// A new key file was created: it must be backed up now.
    Created { path: PathBuf },
}

impl KeyFileNotice {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (KeyFileNotice::Created { path }, Lang::Zh) => format!(
                "已创建人才库密钥文件 {}。请立即备份此文件并妥善保管：没有它，人才库中的身份证号、手机号和住址将无法读取。\
                 备份应与数据库备份分开存放（二者合在一起即可读出全部信息），不要发给他人，文件权限保持 0600。",
                path.display()
            ),
            (KeyFileNotice::Created { path }, Lang::En) => format!(
                "Created the registry key file {}. Back this file up now and keep it safe: without it the registry \
                 cannot be read (ID numbers, mobiles and addresses). Keep the backup apart from database backups \
                 (together they reveal everything), share it with no one, and keep its mode 0600.",
                path.display()
            ),
        }
    }
}

/// The warning to print when a key file is created (the same as `KeyFileNotice::Created`).
pub fn backup_warning(path: &std::path::Path, lang: Lang) -> String {
    KeyFileNotice::Created { path: path.to_path_buf() }.message(lang)
}
