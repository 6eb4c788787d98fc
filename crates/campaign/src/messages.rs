//! The text of every diagnostic, in zh-CN and in English.

use calendar::{CronError, OffsetError};

use crate::TimeExprError;
use crate::diagnostic::{Complexity, FileKind, Lang, ReadProblem};

use crate::diagnostic::DiagnosticKind;
use crate::layout::{PlaceholderProblem, TaskAttribute};

fn list(items: &[impl AsRef<str>], sep: &str) -> String {
    items.iter().map(|s| s.as_ref().to_string()).collect::<Vec<_>>().join(sep)
}

/// English.
pub fn en(kind: &DiagnosticKind) -> String {
    use DiagnosticKind::*;
    match kind {
        Io { problem } => format!("cannot read the file: {}", read_problem_en(problem)),
        FileTooLarge { limit } => {
            format!("file is larger than {limit} bytes ({} MiB) and is refused", limit / 1024 / 1024)
        }
        NotUtf8 => "file is not valid UTF-8 (save it as UTF-8, not GBK)".into(),
        YamlSyntax { detail } => format!("invalid YAML: {detail}"),
        YamlTooComplex { what } => format!("YAML refused: {}", complexity_en(*what)),
        MultipleDocuments => "expected one YAML document, found several ('---')".into(),
        EmptyDocument => "file is empty; expected a mapping".into(),
        UnknownKey { key, expected } => {
            format!("unknown key `{key}`; expected one of: {}", list(expected, ", "))
        }
        DuplicateKey { key, first_line } => {
            format!("duplicate key `{key}` (first written on line {first_line})")
        }
        MissingKey { key } => format!("missing required key `{key}`"),
        WrongType { expected, found } => format!("expected {expected}, found {found}"),
        InvalidId { value } => {
            format!(
                "invalid id `{value}`; expected at most 64 lowercase letters, digits, '-' or '_', starting with a letter or digit"
            )
        }
        UnknownUnit { id } => format!("unknown unit `{id}`; it is not in the directory"),
        UnknownLevel { level, expected } => {
            format!("unknown level `{level}`; expected one of: {}", list(expected, ", "))
        }
        UnknownGroupOrUnit { id } => {
            format!("unknown recipient `{id}`; expected a group or a unit of the directory")
        }
        UnknownTask { id } => format!("unknown task id `{id}`"),
        UnknownTaskKind { kind, expected } => {
            format!("unknown task kind `{kind}`; expected one of: {}", list(expected, ", "))
        }
        UnknownFestival { name, expected } => format!(
            "unknown festival `{name}`; expected one of: {}, or {{lunar: \"M-D\"}}, {{date: \"MM-DD\"}}",
            list(expected, ", ")
        ),
        UnknownTimezone { name } => {
            format!("unknown time zone `{name}`; expected an IANA name such as Asia/Shanghai")
        }
        UnknownLocale { value } => format!("unknown locale `{value}`; expected zh-CN or en"),
        UnknownTemplate { value } => {
            format!("unknown report template `{value}`; expected progress, work-report or a path ending in .tera")
        }
        UnknownFigureType { value } => {
            format!("unknown figure type `{value}`; expected integer or decimal")
        }
        UnknownRegisterCount { value, expected } => {
            format!("unknown register count `{value}`; expected one of: {}", register_counts(expected, Lang::En, ", "))
        }
        CountedNotInteger { key } => {
            format!("figure `{key}` is counted from the register, so it is a whole number; remove `type: decimal`")
        }
        UnknownEscalationTarget { value } => {
            format!("unknown escalation target `{value}`; expected parent, owner or a unit id")
        }
        DuplicateId { what, id, first_line } => {
            format!("duplicate {what} id `{id}` (first defined on line {first_line})")
        }
        DuplicateCampaign { id, other_file } => {
            format!("campaign id `{id}` is also defined in {other_file}")
        }
        DependencyCycle { cycle } => format!("dependency cycle: {}", list(cycle, " → ")),
        SelfDependency { id } => format!("task `{id}` depends on itself"),
        InvalidOffset { value, problem } => format!(
            "invalid offset `{value}`: {}; expected a signed number with a unit: d (days), w (weeks), h (hours) or wd (working days), e.g. -3d",
            offset_problem_en(problem)
        ),
        InvalidTimeExpr { value, problem } => format!(
            "invalid time `{value}`: {}; expected open, close or anchor, optionally followed by an offset, e.g. open+3d, anchor-5wd, close",
            time_expr_problem_en(problem)
        ),
        InvalidCron { value, problem } => format!("invalid cron expression `{value}`: {}", cron_problem_en(problem)),
        InvalidLunarDate { value } => {
            format!("invalid lunar date `{value}`; expected \"M-D\" with month 1–12 and day 1–30, e.g. \"8-15\"")
        }
        InvalidCalendarDate { value } => {
            format!("invalid date `{value}`; expected a real calendar date")
        }
        InvalidTimeOfDay { value } => {
            format!("invalid time of day `{value}`; expected \"HH:MM\" (24-hour), e.g. \"17:30\"")
        }
        InvalidEmail { value } => {
            format!("invalid e-mail address `{value}`; expected name@domain.example")
        }
        InvalidDateRange { value } => {
            format!(
                "invalid date range `{value}`; expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD, start first, at most 32 days"
            )
        }
        ControlCharacter { found, at, multiline } => {
            let expected = if *multiline {
                "text whose only control characters are line breaks (LF) and tabs"
            } else {
                "one line of text without control characters"
            };
            let name = char_name_en(*found).map(|n| format!(" ({n})")).unwrap_or_default();
            format!(
                "contains the control character {}{name} at character {at}; expected {expected}",
                code_point(*found)
            )
        }
        AnchorConflict => "give either `anchor` or `cron`, not both".into(),
        AnchorMissing => "missing `anchor` or `cron`: a campaign must say when it recurs".into(),
        AssigneeConflict => "give either `assignee` or `assignees`, not both".into(),
        AssigneeMissing => "missing `assignee` or `assignees`: who does this task?".into(),
        AssigneesIncomplete => "this selects no unit; expected `level`, `units`, or `level` with `under`".into(),
        AssigneesLevelAndUnits => "give either `level` (with an optional `under`) or `units`, not both".into(),
        NoUnitsSelected { level, under: Some(under) } => format!("no unit of level `{level}` lies under `{under}`"),
        NoUnitsSelected { level, under: None } => format!("no unit of the directory has level `{level}`"),
        ScheduleConflict => "give either `schedule` or `at`, not both".into(),
        ScheduleMissing => "missing `schedule` (cron) or `at` (open, close or a time)".into(),
        ReminderNotBefore { value } => {
            format!("reminder `{value}` is not before the due time; expected a negative offset, e.g. -1d")
        }
        EscalationNotAfter { value } => {
            format!("escalation delay `{value}` must be positive, e.g. 2d")
        }
        DueBeforeStart { due, starts } => format!("due time ({due}) is before the start ({starts})"),
        DueBeforeOpen { due, opens } => format!("due time ({due}) is before the run opens ({opens})"),
        StartBeforeOpen { starts, opens } => {
            format!("start ({starts}) is before the run opens ({opens})")
        }
        DueAfterClose { due, closes } => {
            format!("due time ({due}) is after the run closes ({closes})")
        }
        OpensAfterCloses { opens, closes } => {
            format!("the run opens ({opens}) after it closes ({closes})")
        }
        LevelOrder { unit, level, parent_level } => {
            format!("unit `{unit}` has level `{level}`, which is not below its parent's level `{parent_level}`")
        }
        MissingFile { path, problem } => format!("cannot read `{path}`: {}", read_problem_en(problem)),
        NotAnIncludedKind { path } => format!(
            "`{path}` is not a campaign, directory or holidays file (expected top-level `id` and `recurrence`, `units` and `levels`, or `holidays`)"
        ),
        WrongFileKind { path, expected } => format!("`{path}` is not a {} file", file_kind_en(*expected)),
        GroupNamedLikeUnit { id, unit_line } => {
            format!("group `{id}` has the same name as the unit on line {unit_line}; recipients would be ambiguous")
        }
        DateOutsideYear { date, year } => format!("date {date} is not in year {year}"),
        DayBothOffAndWork { date } => {
            format!("{date} is listed both as a day off and as a make-up working day")
        }
        YearOutOfRange { year } => format!("year {year} is outside the supported range 1901–2100"),
        WorkdaysMissing { file } => {
            format!("working-day offsets (wd) need the holiday arrangements file `{file}`, which cannot be read")
        }
        YearNotCovered { year, file } => {
            format!("working days of {year} are unknown: add the official holiday arrangement for {year} to {file}")
        }
        LunarDateConflict => "give either `lunar` or `date`, not both".into(),
        CalendarLimit { detail } => format!("date out of range: {detail}"),
        UnknownFigure { task, figure, figures } => format!(
            "task `{task}` has no figure `{figure}`; expected one of its figures: {}, or one of: {}",
            list(figures, ", "),
            list(TaskAttribute::NAMES, ", ")
        ),
        UnknownAttribute { task, attribute } => format!(
            "unknown attribute `{attribute}` of task `{task}`, which reports no figures; expected one of: {}",
            list(TaskAttribute::NAMES, ", ")
        ),
        InvalidPlaceholder { written, problem } => {
            format!("invalid placeholder `{written}`: {}", placeholder_problem_en(*problem))
        }
        EmptyText { what } => format!("the {what} is empty"),
        NoticeVersionTooLong { max } => {
            format!("the notice version is longer than {max} characters; it is recorded with each person, e.g. 2027-1")
        }
        EmptySection => "this section names no tasks and has no points; expected `tasks`, `points` or both".into(),
        LayoutNotAllowed { key } => format!(
            "`{key}` is for work reports (template work-report or a .tera file); a progress report has a fixed layout"
        ),
        DuplicateSectionTitle { title, first_line } => {
            format!("duplicate section title `{title}` (first written on line {first_line})")
        }
        ReservedFigureKey { key } => format!(
            "`{key}` cannot be a figure key: report placeholders use it (`{{task.{key}}}`); reserved: {}",
            list(TaskAttribute::NAMES, ", ")
        ),
    }
}

/// 简体中文。
pub fn zh(kind: &DiagnosticKind) -> String {
    use DiagnosticKind::*;
    match kind {
        Io { problem } => format!("无法读取文件：{}", read_problem_zh(problem)),
        FileTooLarge { limit } => format!("文件超过 {limit} 字节（{} MiB）的上限，拒绝读取", limit / 1024 / 1024),
        NotUtf8 => "文件不是有效的 UTF-8 编码（请以 UTF-8 保存，而非 GBK）".into(),
        YamlSyntax { detail } => format!("YAML 格式错误：{detail}"),
        YamlTooComplex { what } => format!("拒绝解析该 YAML：{}", complexity_zh(*what)),
        MultipleDocuments => "应为一个 YAML 文档，实际有多个（'---'）".into(),
        EmptyDocument => "文件为空；应为一个映射（键值对）".into(),
        UnknownKey { key, expected } => format!("未知的键 `{key}`；可用的键：{}", list(expected, "、")),
        DuplicateKey { key, first_line } => format!("键 `{key}` 重复（首次出现在第 {first_line} 行）"),
        MissingKey { key } => format!("缺少必填的键 `{key}`"),
        WrongType { expected, found } => format!("应为{}，实际为{}", zh_type(expected), zh_type(found)),
        InvalidId { value } => {
            format!("标识 `{value}` 无效；最多 64 个字符，只能使用小写字母、数字、'-' 和 '_'，且以字母或数字开头")
        }
        UnknownUnit { id } => format!("未知的单位 `{id}`，单位名录中没有该单位"),
        UnknownLevel { level, expected } => format!("未知的层级 `{level}`；应为以下之一：{}", list(expected, "、")),
        UnknownGroupOrUnit { id } => format!("未知的接收对象 `{id}`；应为单位名录中的分组或单位"),
        UnknownTask { id } => format!("未知的任务标识 `{id}`"),
        UnknownTaskKind { kind, expected } => {
            format!("未知的任务类型 `{kind}`；应为以下之一：{}", list(expected, "、"))
        }
        UnknownFestival { name, expected } => format!(
            "未知的节日或节气 `{name}`；应为以下之一：{}，或 {{lunar: \"月-日\"}}、{{date: \"MM-DD\"}}",
            list(expected, "、")
        ),
        UnknownTimezone { name } => format!("未知的时区 `{name}`；应为 IANA 时区名，例如 Asia/Shanghai"),
        UnknownLocale { value } => format!("未知的语言 `{value}`；应为 zh-CN 或 en"),
        UnknownTemplate { value } => {
            format!("未知的报告模板 `{value}`；应为 progress、work-report 或以 .tera 结尾的文件路径")
        }
        UnknownFigureType { value } => format!("未知的数据类型 `{value}`；应为 integer（整数）或 decimal（小数）"),
        UnknownRegisterCount { value, expected } => {
            format!("未知的名册统计口径 `{value}`；应为以下之一：{}", register_counts(expected, Lang::Zh, "、"))
        }
        CountedNotInteger { key } => {
            format!("数据项 `{key}` 按人才名册计数，只能是整数；请删去 `type: decimal`")
        }
        UnknownEscalationTarget { value } => {
            format!("未知的督办对象 `{value}`；应为 parent（上级单位）、owner（牵头单位）或单位标识")
        }
        DuplicateId { what, id, first_line } => {
            format!("{}标识 `{id}` 重复（首次定义在第 {first_line} 行）", zh_what(what))
        }
        DuplicateCampaign { id, other_file } => format!("工作标识 `{id}` 与 {other_file} 中的重复"),
        DependencyCycle { cycle } => format!("任务依赖形成循环：{}", list(cycle, " → ")),
        SelfDependency { id } => format!("任务 `{id}` 依赖自身"),
        InvalidOffset { value, problem } => format!(
            "时间偏移 `{value}` 无效：{}；应为带符号的数字加单位：d（天）、w（周）、h（小时）或 wd（工作日），例如 -3d",
            offset_problem_zh(problem)
        ),
        InvalidTimeExpr { value, problem } => format!(
            "时间表达式 `{value}` 无效：{}；应为 open、close 或 anchor，可再加偏移，例如 open+3d、anchor-5wd、close",
            time_expr_problem_zh(problem)
        ),
        InvalidCron { value, problem } => format!("cron 表达式 `{value}` 无效：{}", cron_problem_zh(problem)),
        InvalidLunarDate { value } => {
            format!("农历日期 `{value}` 无效；应为 \"月-日\"，月 1–12，日 1–30，例如 \"8-15\"")
        }
        InvalidCalendarDate { value } => format!("日期 `{value}` 无效；应为实际存在的公历日期"),
        InvalidTimeOfDay { value } => format!("时刻 `{value}` 无效；应为 24 小时制 \"HH:MM\"，例如 \"17:30\""),
        InvalidEmail { value } => format!("电子邮箱 `{value}` 无效；应形如 name@domain.example"),
        InvalidDateRange { value } => {
            format!("日期范围 `{value}` 无效；应为 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD（起始在前，最长 32 天）")
        }
        ControlCharacter { found, at, multiline } => {
            let expected = if *multiline {
                "此处的文字除换行符和制表符外不能含控制字符"
            } else {
                "此处应为单行文字，不含控制字符"
            };
            let name = char_name_zh(*found).map(|n| format!("（{n}）")).unwrap_or_default();
            format!("第 {at} 个字符是控制字符 {}{name}；{expected}", code_point(*found))
        }
        AnchorConflict => "`anchor` 与 `cron` 只能填写其一".into(),
        AnchorMissing => "缺少 `anchor` 或 `cron`：须说明工作何时循环开展".into(),
        AssigneeConflict => "`assignee` 与 `assignees` 只能填写其一".into(),
        AssigneeMissing => "缺少 `assignee` 或 `assignees`：该任务由谁承办？".into(),
        AssigneesIncomplete => "未选中任何单位；应填写 `level`、`units`，或 `level` 加 `under`".into(),
        AssigneesLevelAndUnits => "`level`（可加 `under`）与 `units` 只能填写其一".into(),
        NoUnitsSelected { level, under: Some(under) } => format!("`{under}` 下没有层级为 `{level}` 的单位"),
        NoUnitsSelected { level, under: None } => format!("单位名录中没有层级为 `{level}` 的单位"),
        ScheduleConflict => "`schedule` 与 `at` 只能填写其一".into(),
        ScheduleMissing => "缺少 `schedule`（cron）或 `at`（open、close 或时间表达式）".into(),
        ReminderNotBefore { value } => format!("提醒 `{value}` 不在截止时间之前；应为负偏移，例如 -1d"),
        EscalationNotAfter { value } => format!("督办延迟 `{value}` 应为正数，例如 2d"),
        DueBeforeStart { due, starts } => format!("截止时间（{due}）早于开始时间（{starts}）"),
        DueBeforeOpen { due, opens } => format!("截止时间（{due}）早于本期开启时间（{opens}）"),
        StartBeforeOpen { starts, opens } => format!("开始时间（{starts}）早于本期开启时间（{opens}）"),
        DueAfterClose { due, closes } => format!("截止时间（{due}）晚于本期结束时间（{closes}）"),
        OpensAfterCloses { opens, closes } => format!("本期开启时间（{opens}）晚于结束时间（{closes}）"),
        LevelOrder { unit, level, parent_level } => {
            format!("单位 `{unit}` 的层级 `{level}` 不低于其上级单位的层级 `{parent_level}`")
        }
        MissingFile { path, problem } => format!("无法读取 `{path}`：{}", read_problem_zh(problem)),
        NotAnIncludedKind { path } => format!(
            "`{path}` 既不是工作定义，也不是单位名录或节假日文件（顶层应有 `id` 和 `recurrence`、`units` 和 `levels`，或 `holidays`）"
        ),
        WrongFileKind { path, expected } => format!("`{path}` 不是{}文件", file_kind_zh(*expected)),
        GroupNamedLikeUnit { id, unit_line } => {
            format!("分组 `{id}` 与第 {unit_line} 行的单位同名，报告接收对象会产生歧义")
        }
        DateOutsideYear { date, year } => format!("日期 {date} 不在 {year} 年内"),
        DayBothOffAndWork { date } => format!("{date} 同时被列为放假日和调休上班日"),
        YearOutOfRange { year } => format!("年份 {year} 超出支持范围 1901–2100"),
        WorkdaysMissing { file } => format!("使用工作日偏移（wd）需要节假日安排文件 `{file}`，但无法读取该文件"),
        YearNotCovered { year, file } => {
            format!("{year} 年的工作日未知：请在 {file} 中补充 {year} 年国务院办公厅节假日安排")
        }
        LunarDateConflict => "`lunar` 与 `date` 只能填写其一".into(),
        CalendarLimit { detail } => format!("日期超出范围：{detail}"),
        UnknownFigure { task, figure, figures } => format!(
            "任务 `{task}` 没有数据项 `{figure}`；应为其数据项之一：{}，或以下之一：{}",
            list(figures, "、"),
            list(TaskAttribute::NAMES, "、")
        ),
        UnknownAttribute { task, attribute } => format!(
            "任务 `{task}` 不填报数据项，`{attribute}` 无从取值；应为以下之一：{}",
            list(TaskAttribute::NAMES, "、")
        ),
        InvalidPlaceholder { written, problem } => {
            format!("占位符 `{written}` 无效：{}", placeholder_problem_zh(*problem))
        }
        EmptyText { what } => format!("{}为空", zh_text(what)),
        NoticeVersionTooLong { max } => format!("告知书版本超过 {max} 个字符；版本号随每位人员记录，例如 2027-1"),
        EmptySection => "这一节既没有列出任务，也没有要点；应填写 `tasks`、`points` 或两者".into(),
        LayoutNotAllowed { key } => {
            format!("`{key}` 只用于工作情况报告（模板为 work-report 或 .tera 文件）；进展报告的版式是固定的")
        }
        DuplicateSectionTitle { title, first_line } => {
            format!("节标题 `{title}` 重复（首次出现在第 {first_line} 行）")
        }
        ReservedFigureKey { key } => format!(
            "`{key}` 不能用作数据项的键：报告占位符 `{{任务.{key}}}` 已用它；保留字：{}",
            list(TaskAttribute::NAMES, "、")
        ),
    }
}

/// `U+000D`: how Unicode names a character, and what a user can search for.
fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// Short names of the control characters most likely met, so the message says more than a number.
fn char_name_en(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{0}' => "null",
        '\t' => "tab",
        '\n' => "line feed",
        '\u{b}' => "vertical tab",
        '\u{c}' => "form feed",
        '\r' => "carriage return",
        '\u{1b}' => "escape",
        '\u{7f}' => "delete",
        '\u{85}' => "next line",
        '\u{2028}' => "line separator",
        '\u{2029}' => "paragraph separator",
        '\u{202a}' => "left-to-right embedding",
        '\u{202b}' => "right-to-left embedding",
        '\u{202c}' => "pop directional formatting",
        '\u{202d}' => "left-to-right override",
        '\u{202e}' => "right-to-left override",
        '\u{2066}' => "left-to-right isolate",
        '\u{2067}' => "right-to-left isolate",
        '\u{2068}' => "first strong isolate",
        '\u{2069}' => "pop directional isolate",
        _ => return None,
    })
}

fn char_name_zh(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{0}' => "空字符",
        '\t' => "制表符",
        '\n' => "换行符",
        '\u{b}' => "垂直制表符",
        '\u{c}' => "换页符",
        '\r' => "回车符",
        '\u{1b}' => "转义符",
        '\u{7f}' => "删除符",
        '\u{85}' => "下一行符",
        '\u{2028}' => "行分隔符",
        '\u{2029}' => "段落分隔符",
        '\u{202a}' => "从左到右嵌入符",
        '\u{202b}' => "从右到左嵌入符",
        '\u{202c}' => "方向格式结束符",
        '\u{202d}' => "从左到右覆盖符",
        '\u{202e}' => "从右到左覆盖符",
        '\u{2066}' => "从左到右隔离符",
        '\u{2067}' => "从右到左隔离符",
        '\u{2068}' => "首强隔离符",
        '\u{2069}' => "方向隔离结束符",
        _ => return None,
    })
}

fn zh_type(name: &str) -> &str {
    match name {
        "null" => "空值",
        "boolean" => "布尔值",
        "integer" => "整数",
        "number" => "数字",
        "string" => "字符串",
        "list" => "列表",
        "mapping" => "映射",
        "mapping or string" => "映射或字符串",
        "list of strings" => "字符串列表",
        "list or string" => "列表或字符串",
        "mapping or false" => "映射或 false",
        "non-empty list" => "非空列表",
        "empty list" => "空列表",
        other => other,
    }
}

fn zh_what(what: &str) -> &str {
    match what {
        "task" => "任务",
        "figure" => "数据项",
        "unit" => "单位",
        "report" => "报告",
        "group" => "分组",
        "level" => "层级",
        other => other,
    }
}

fn offset_problem_en(problem: &OffsetError) -> String {
    match problem {
        OffsetError::Empty => "it is empty".into(),
        OffsetError::MissingNumber => "the number is missing".into(),
        OffsetError::MissingUnit => "the unit is missing".into(),
        OffsetError::UnknownUnit(unit) => format!("unknown unit `{unit}`"),
        OffsetError::Fraction(_) => "offsets are whole numbers".into(),
        OffsetError::TooLarge { max, unit } => format!("too large (at most {max}{})", unit.suffix()),
    }
}

fn offset_problem_zh(problem: &OffsetError) -> String {
    match problem {
        OffsetError::Empty => "内容为空".into(),
        OffsetError::MissingNumber => "缺少数字".into(),
        OffsetError::MissingUnit => "缺少单位".into(),
        OffsetError::UnknownUnit(unit) => format!("未知单位 `{unit}`"),
        OffsetError::Fraction(_) => "偏移只能是整数".into(),
        OffsetError::TooLarge { max, unit } => format!("数值过大（最多 {max}{}）", unit.suffix()),
    }
}

fn read_problem_en(problem: &ReadProblem) -> String {
    match problem {
        ReadProblem::NotFound => "no such file".into(),
        ReadProblem::PermissionDenied => "permission denied".into(),
        ReadProblem::NotAFile => "it is a folder, not a file".into(),
        ReadProblem::Other(detail) => detail.clone(),
    }
}

fn read_problem_zh(problem: &ReadProblem) -> String {
    match problem {
        ReadProblem::NotFound => "文件不存在".into(),
        ReadProblem::PermissionDenied => "没有读取权限".into(),
        ReadProblem::NotAFile => "这是文件夹，不是文件".into(),
        ReadProblem::Other(detail) => detail.clone(),
    }
}

fn complexity_en(what: Complexity) -> &'static str {
    match what {
        Complexity::Aliases => "too many aliases (an alias bomb?)",
        Complexity::Nesting => "nested more than 64 levels deep",
        Complexity::Nodes => "too many values",
        Complexity::Other => "it exceeds the parser's limits",
    }
}

fn complexity_zh(what: Complexity) -> &'static str {
    match what {
        Complexity::Aliases => "别名（alias）过多，疑似别名炸弹",
        Complexity::Nesting => "嵌套超过 64 层",
        Complexity::Nodes => "数据项过多",
        Complexity::Other => "超出解析器限制",
    }
}

fn file_kind_en(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Campaign => "campaign",
        FileKind::Directory => "unit directory",
        FileKind::Holidays => "holiday arrangements",
    }
}

fn file_kind_zh(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Campaign => "工作定义",
        FileKind::Directory => "单位名录",
        FileKind::Holidays => "节假日安排",
    }
}

fn time_expr_problem_en(problem: &TimeExprError) -> String {
    match problem {
        TimeExprError::UnknownBase(base) if base.is_empty() => "it does not start with open, close or anchor".into(),
        TimeExprError::UnknownBase(base) => format!("`{base}` is not open, close or anchor"),
        TimeExprError::Offset(offset) => format!("its offset is invalid: {}", offset_problem_en(offset)),
    }
}

fn time_expr_problem_zh(problem: &TimeExprError) -> String {
    match problem {
        TimeExprError::UnknownBase(base) if base.is_empty() => "没有以 open、close 或 anchor 开头".into(),
        TimeExprError::UnknownBase(base) => format!("`{base}` 不是 open、close 或 anchor"),
        TimeExprError::Offset(offset) => format!("偏移无效：{}", offset_problem_zh(offset)),
    }
}

fn cron_problem_en(problem: &CronError) -> String {
    match problem {
        CronError::FieldCount { found, .. } => format!(
            "it has {found} fields; expected 5 (minute hour day-of-month month day-of-week) or 6 with leading seconds"
        ),
        CronError::NeverFires { .. } => "it never fires".into(),
        CronError::Invalid { message, .. } | CronError::Evaluation { message, .. } => message.clone(),
    }
}

fn cron_problem_zh(problem: &CronError) -> String {
    match problem {
        CronError::FieldCount { found, .. } => {
            format!("共 {found} 个字段；应为 5 个字段（分 时 日 月 周），或前加秒共 6 个字段")
        }
        CronError::NeverFires { .. } => "永远不会触发".into(),
        CronError::Invalid { message, .. } | CronError::Evaluation { message, .. } => message.clone(),
    }
}

fn placeholder_problem_en(problem: PlaceholderProblem) -> &'static str {
    match problem {
        PlaceholderProblem::Unclosed => "the `{` is not closed; write `{{` for a literal brace",
        PlaceholderProblem::Empty => "it is empty",
        PlaceholderProblem::StrayClosingBrace => "this `}` closes nothing; write `}}` for a literal brace",
        PlaceholderProblem::Malformed => {
            "expected {TASK.FIGURE}, {TASK.done}, {TASK.units}, {TASK.pending}, {TASK.date} or {level.LEVEL}"
        }
    }
}

fn placeholder_problem_zh(problem: PlaceholderProblem) -> &'static str {
    match problem {
        PlaceholderProblem::Unclosed => "`{` 没有对应的 `}`；文字中的大括号请写成 `{{`",
        PlaceholderProblem::Empty => "内容为空",
        PlaceholderProblem::StrayClosingBrace => "这个 `}` 没有对应的 `{`；文字中的大括号请写成 `}}`",
        PlaceholderProblem::Malformed => {
            "应为 {任务.数据项}、{任务.done}、{任务.units}、{任务.pending}、{任务.date} 或 {level.层级}"
        }
    }
}

fn zh_text(what: &str) -> &str {
    match what {
        "section title" => "节标题",
        "point" => "要点",
        "next step" => "下一步的段落",
        "notice version" => "告知书版本",
        "notice text" => "告知书正文",
        other => other,
    }
}

/// Register counts by name, each with what it counts (`entered (persons entered …)`).
fn register_counts(names: &[&str], lang: Lang, separator: &str) -> String {
    names
        .iter()
        .map(|name| match crate::RegisterCount::from_name(name) {
            Some(count) if lang == Lang::Zh => format!("{name}（{}）", count.describe(lang)),
            Some(count) => format!("{name} ({})", count.describe(lang)),
            None => name.to_string(),
        })
        .collect::<Vec<_>>()
        .join(separator)
}
