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
    #[error("a merge, and undoing one, needs a written reason (kept in the access log)")]
    MergeReasonRequired,
    #[error("person {0} cannot be merged into itself; name two different persons (KEEP ABSORB)")]
    MergeSelf(i64),
    #[error("person {0} is erased; an erased record is never merged")]
    MergeErased(i64),
    #[error("person {person} is already merged into person {into}; undo that merge first")]
    AlreadyMerged { person: i64, into: i64 },
    #[error("persons {kept} and {absorbed} have different ID numbers: two people, not merged")]
    DifferentIdNumbers { kept: i64, absorbed: i64 },
    #[error(
        "person {person} is also in the book of `{unit}`, outside the reader's scope `{scope}`; a merge needs every book of both persons in scope"
    )]
    MergeOutOfScope { person: i64, unit: String, scope: String },
    #[error("no merge {0}; `guiyan registry merges` lists them")]
    NoSuchMerge(i64),
    #[error("merge {0} is undone already")]
    AlreadyUnmerged(i64),
    #[error("merge {merge} cannot be undone: the kept person {person} was erased since")]
    UnmergeKeptErased { merge: i64, person: i64 },
    #[error(
        "merge {merge} cannot be undone: the kept person {person} was merged into person {into} since; undo that merge first"
    )]
    UnmergeKeptMerged { merge: i64, person: i64, into: i64 },
    #[error("merge {merge} cannot be undone before the later merge {later} into the same person; undo {later} first")]
    UnmergeLaterMerge { merge: i64, later: i64 },
    #[error("a suggestion needs its text")]
    SuggestionEmpty,
    #[error("a suggestion or its note is at most {0} characters")]
    SuggestionTooLong(usize),
    #[error("a suggestion is routed to the recording unit `{recorder}` or a unit above it, not `{unit}`")]
    SuggestionRoute { unit: String, recorder: String },
    #[error("no suggestion {0} in the reader's scope")]
    NoSuchSuggestion(i64),
    #[error(
        "suggestion {id} cannot move from {from} to {to}: it goes received → in-progress → answered, one step at a time"
    )]
    SuggestionMove { id: i64, from: &'static str, to: &'static str },
    #[error("answering a suggestion needs the answer given to the person")]
    AnswerRequired,
    #[error("no request {0} in the reader's scope; `guiyan registry requests` lists them")]
    NoSuchRequest(i64),
    #[error("request {0} is answered already")]
    RequestClosed(i64),
    #[error("the due date (--due) is before the day the request was received; give a later date (YYYY-MM-DD)")]
    DueBeforeReceived,
    #[error("the day the request was received is after today; give today or an earlier date (YYYY-MM-DD)")]
    ReceivedInFuture,
    #[error("request {request} asks for {}; answer it with that (or refuse it with a reason)", kind.label(Lang::En).to_lowercase())]
    AnswerKindMismatch { request: i64, kind: talent::RightsRequestKind },
    #[error("refusing a request needs a reason (--reason), which the person is told")]
    RefusalReasonRequired,
    #[error("a correction changes nothing: give at least one field with a new value (--set FIELD=VALUE)")]
    NothingToCorrect,
    #[error("the corrected record is not valid: {}", render_field_errors(.0, Lang::En))]
    InvalidCorrection(Vec<talent::FieldError>),
    #[error("the corrected ID number is another record's: the two are one person; merge them (guiyan registry merge)")]
    CorrectedIdNumberTaken,
    #[error("a retention review needs a reason (--reason), kept in the access log")]
    ReviewReasonRequired,
    #[error("the new review date (--until) must be after today (YYYY-MM-DD)")]
    ReviewDateNotLater,
}

/// Every field's problem, `field: problem; …`, in `lang`.
fn render_field_errors(errors: &[talent::FieldError], lang: Lang) -> String {
    let sep = if lang == Lang::Zh { "；" } else { "; " };
    errors.iter().map(|e| e.render(lang)).collect::<Vec<_>>().join(sep)
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
            RegistryError::MergeReasonRequired => "合并档案（或撤销合并）须填写理由（记入访问日志）".into(),
            RegistryError::MergeSelf(id) => {
                format!("第 {id} 号人员不能与自身合并；请指定两个不同的人员（保留 被并入）")
            }
            RegistryError::MergeErased(id) => format!("第 {id} 号人员的个人信息已删除，已删除的档案不能合并"),
            RegistryError::AlreadyMerged { person, into } => {
                format!("第 {person} 号人员已并入第 {into} 号人员；请先撤销那次合并")
            }
            RegistryError::DifferentIdNumbers { kept, absorbed } => {
                format!("第 {kept} 号和第 {absorbed} 号人员的身份证号不同，是两个人，不予合并")
            }
            RegistryError::MergeOutOfScope { person, unit, scope } => format!(
                "第 {person} 号人员还登记在 `{unit}` 的名册中，不在本用户的范围 `{scope}` 之内；合并须两人的全部名册都在范围内"
            ),
            RegistryError::NoSuchMerge(id) => {
                format!("没有编号为 {id} 的合并记录；guiyan registry merges 可列出全部合并")
            }
            RegistryError::AlreadyUnmerged(id) => format!("第 {id} 号合并已经撤销"),
            RegistryError::UnmergeKeptErased { merge, person } => {
                format!("第 {merge} 号合并无法撤销：保留的第 {person} 号人员此后已删除个人信息")
            }
            RegistryError::UnmergeKeptMerged { merge, person, into } => format!(
                "第 {merge} 号合并无法撤销：保留的第 {person} 号人员此后又并入了第 {into} 号人员；请先撤销那次合并"
            ),
            RegistryError::UnmergeLaterMerge { merge, later } => {
                format!("第 {merge} 号合并无法撤销：此后又有第 {later} 号合并并入同一人员；请先撤销第 {later} 号合并")
            }
            RegistryError::SuggestionEmpty => "请填写意见建议的内容".into(),
            RegistryError::SuggestionTooLong(n) => format!("意见建议及办理说明不超过{n}字"),
            RegistryError::SuggestionRoute { unit, recorder } => {
                format!("意见建议只能交由登记单位 `{recorder}` 或其上级单位办理，不能交由 `{unit}`")
            }
            RegistryError::NoSuchSuggestion(id) => format!("本用户范围内没有编号为 {id} 的意见建议"),
            RegistryError::SuggestionMove { id, from, to } => {
                let word = |key: &str| {
                    talent::SuggestionState::parse(key).map_or(key.to_string(), |s| s.label(Lang::Zh).to_string())
                };
                format!("第 {id} 号意见建议不能从“{}”转为“{}”：须依次经过受理、办理、已反馈", word(from), word(to))
            }
            RegistryError::AnswerRequired => "办结反馈须填写答复内容".into(),
            RegistryError::NoSuchRequest(id) => {
                format!("本用户范围内没有编号为 {id} 的申请；guiyan registry requests 可列出全部申请")
            }
            RegistryError::RequestClosed(id) => format!("第 {id} 号申请已经答复"),
            RegistryError::DueBeforeReceived => {
                "答复期限（--due）早于收到申请的日期；请填写更晚的日期（YYYY-MM-DD）".into()
            }
            RegistryError::ReceivedInFuture => "收到申请的日期晚于今天；请填写今天或更早的日期（YYYY-MM-DD）".into(),
            RegistryError::AnswerKindMismatch { request, kind } => {
                format!("第 {request} 号申请是{}申请；请按此办理（或填写理由不予办理）", kind.label(Lang::Zh))
            }
            RegistryError::RefusalReasonRequired => "不予办理须填写理由（--reason），理由将告知本人".into(),
            RegistryError::NothingToCorrect => "更正内容与现有档案相同：请至少填写一项新的内容（--set 字段=值）".into(),
            RegistryError::InvalidCorrection(errors) => {
                format!("更正后的档案不符合要求：{}", render_field_errors(errors, Lang::Zh))
            }
            RegistryError::CorrectedIdNumberTaken => {
                "更正后的身份证号已登记在另一份档案中：两份档案是同一人，请合并（guiyan registry merge）".into()
            }
            RegistryError::ReviewReasonRequired => "保存期限复核须填写理由（--reason），记入访问日志".into(),
            RegistryError::ReviewDateNotLater => "新的复核日期（--until）须晚于今天（YYYY-MM-DD）".into(),
        }
    }
}

impl From<vault::VaultError> for RegistryError {
    fn from(e: vault::VaultError) -> RegistryError {
        // VaultError's Display never carries a plaintext or a key.
        RegistryError::Vault(e.to_string())
    }
}
