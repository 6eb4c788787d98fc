//! Why a registry operation was refused, in either language. Never carries a personal value.

use campaign::Lang;

/// A registry request the store refuses (nothing was written but, where said, the refusal's
/// access-log entry).
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("no unit `{0}` in the directory; `guiyan apply` records the directory")]
    NoSuchUnit(String),
    #[error("unit `{unit}` is outside the reader's scope `{scope}`")]
    OutOfScope { unit: String, scope: String },
    #[error("no person {0} in the reader's scope")]
    NoSuchPerson(i64),
    #[error("revealing personal data outside the reader's own book needs a written reason (refused and logged)")]
    ReasonRequired,
    #[error("{0} is not a sealed field; only the ID number, mobile and address are revealed")]
    NotSealed(&'static str),
    #[error("the registry's key file cannot open a stored value: {0}")]
    Vault(String),
    #[error("unit `{0}` has a PIN already; its parent unit can reset it")]
    PinAlreadySet(String),
    #[error("only the unit above `{0}` (or the district) can reset its PIN")]
    NotParent(String),
    #[error("a follow-up is recorded by a unit (a link's session), not by the district as a whole")]
    NoUnit,
    #[error("only the person's own community (or the district) can do this")]
    NotOwnBook,
    #[error(
        "a community recommends its people to the reserve pool (recommended); examining, admitting and withdrawing are for the street or the district"
    )]
    PoolDecidedAbove,
}

impl RegistryError {
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            RegistryError::NoSuchUnit(unit) => format!("单位目录中没有 `{unit}`；请先运行 guiyan apply 录入单位目录"),
            RegistryError::OutOfScope { unit, scope } => format!("单位 `{unit}` 不在本用户的范围 `{scope}` 之内"),
            RegistryError::NoSuchPerson(id) => format!("本用户范围内没有编号为 {id} 的人员"),
            RegistryError::ReasonRequired => "查看本社区以外人员的个人信息须填写理由（已拒绝并记入访问日志）".into(),
            RegistryError::NotSealed(field) => {
                format!("{field} 不是加密字段；只有身份证号、联系电话和家庭住址需要查看")
            }
            RegistryError::Vault(detail) => format!("人才库密钥文件无法解开库中的数据：{detail}"),
            RegistryError::PinAlreadySet(unit) => format!("单位 `{unit}` 已设置查阅密码；如需重置请联系上级单位"),
            RegistryError::NotParent(unit) => format!("只有 `{unit}` 的上级单位（或区级）可以重置其查阅密码"),
            RegistryError::NoUnit => "跟进记录须由具体单位（通过本单位链接）填写".into(),
            RegistryError::NotOwnBook => "只有此人所在社区（或区级）可以办理".into(),
            RegistryError::PoolDecidedAbove => "社区可推荐人员进入后备干部库；考察、入库、退出由街道或区级办理".into(),
        }
    }
}

impl From<vault::VaultError> for RegistryError {
    fn from(e: vault::VaultError) -> RegistryError {
        // VaultError's Display never carries a plaintext or a key.
        RegistryError::Vault(e.to_string())
    }
}
