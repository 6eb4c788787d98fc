//! The words of the pages, zh-CN first and English: one table per language with the same keys
//! (a test checks), handed to every template as `t`.

use std::collections::BTreeMap;

pub use campaign::Lang;
use campaign::Locale;

/// The locale matching a language, for the shared wording of times and durations.
pub fn locale(lang: Lang) -> Locale {
    match lang {
        Lang::Zh => Locale::ZhCn,
        Lang::En => Locale::En,
    }
}

/// `?lang=en` or `?lang=zh` wins; else the campaign's language; else zh-CN.
pub fn choose(query: Option<&str>, campaign: Option<Lang>) -> Lang {
    query.and_then(Lang::from_tag).or(campaign).unwrap_or(Lang::Zh)
}

/// The tag pages carry in `<html lang>`.
pub fn html_lang(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    }
}

/// The words of one language.
pub fn texts(lang: Lang) -> BTreeMap<&'static str, &'static str> {
    let table = match lang {
        Lang::Zh => ZH,
        Lang::En => EN,
    };
    table.iter().copied().collect()
}

const ZH: &[(&str, &str)] = &[
    ("app", "归雁工作平台"),
    ("forbidden_title", "无法访问"),
    ("forbidden_body", "此链接无效或已过期。请使用邮件中最新的链接，或联系上级单位重新发送。"),
    ("not_found_title", "未找到"),
    ("not_found_body", "您要找的页面不存在。"),
    ("too_many_title", "请稍后再试"),
    ("too_many_body", "访问过于频繁，请稍后再试。"),
    ("bad_request_title", "无法处理此请求"),
    ("server_title", "暂时无法处理"),
    ("server_body", "系统暂时无法处理您的请求，请稍后再试。如持续出现，请联系系统管理员。"),
    ("home", "首页"),
    ("my_tasks", "我的任务"),
    ("dashboard", "工作进展"),
    ("units_below", "下级单位进度"),
    ("overdue", "已逾期"),
    ("due_soon", "即将到期"),
    ("open", "进行中"),
    ("waiting", "待开始"),
    ("done", "已完成"),
    ("waived", "已免除"),
    ("cancelled", "已取消"),
    ("no_tasks", "暂无任务"),
    ("run_closed", "本期已结束"),
    ("run_closes", "本期截止"),
    ("starts", "开始时间"),
    ("due", "截止时间"),
    ("overdue_by", "已逾期"),
    ("time_left", "还剩"),
    ("waiting_on", "需等待"),
    ("starts_later", "开始时间未到"),
    ("reported", "报送情况"),
    ("reported_by", "报送人"),
    ("reported_at", "报送时间"),
    ("report_title", "报送完成情况"),
    ("correct_title", "更正报送数据"),
    ("optional", "选填"),
    ("required", "必填"),
    ("note", "情况说明"),
    ("note_hint", "可填写典型事例、工作亮点或未完成原因"),
    ("typical", "作为典型事例写入情况报告"),
    ("download", "下载"),
    ("download_report", "情况报告（Word）"),
    ("download_ledger", "台账（Excel）"),
    ("submit", "提交，标记为已完成"),
    ("submit_correction", "提交更正"),
    ("fix_below", "请更正下面标出的问题后再提交。"),
    ("submitted_done", "已提交，任务已标记为完成。"),
    ("submitted_corrected", "已更正报送数据。"),
    ("submitted_repeated", "此表单已提交过，未重复计入。"),
    ("opened_next", "由此开始的后续任务"),
    ("opened_next_after", "项，承办单位将收到通知。"),
    ("history", "办理记录"),
    ("back", "返回"),
    ("task_id", "任务编号"),
    ("unit", "承办单位"),
    ("contact", "联系邮箱"),
    ("completion", "完成率"),
    ("tasks", "任务"),
    ("total", "任务数"),
    ("ranking", "完成情况排名"),
    ("place", "名次"),
    ("mark_behind", "滞后"),
    ("mark_at_risk", "预警"),
    ("mark_on_track", "正常"),
    ("mark_no_tasks", "无任务"),
    ("overdue_list", "逾期未完成任务"),
    ("due_soon_list", "即将到期任务"),
    ("figures", "数据汇总"),
    ("figure_pending", "（待报送）"),
    ("figures_by_unit", "各单位数据"),
    ("burn_up", "任务完成进度"),
    ("by_unit_chart", "各单位完成率"),
    ("by_task", "按任务"),
    ("run", "期次"),
    ("runs", "各期工作"),
    ("past_runs", "往期工作"),
    ("missed", "未开展"),
    ("none", "无"),
    ("live", "数据每隔几秒自动刷新"),
    ("when", "时间"),
    ("who", "办理人"),
    ("what", "事项"),
    ("from", "来源"),
    ("detail", "详情"),
    ("welcome", "您好"),
    ("read_only", "仅供查看：此任务由承办单位自行报送。"),
    ("no_runs", "还没有任何一期工作。"),
    ("lang_switch", "English"),
    ("view_all", "查看全部"),
    ("days", "天"),
    ("landing_title", "归雁工作平台"),
    ("landing_body", "请使用邮件中的专属链接访问本平台。如链接已失效，请联系上级单位重新发送。"),
    ("figure_invalid", "应为非负整数"),
    ("figure_invalid_decimal", "应为非负数"),
    ("figure_missing", "此项必填"),
    ("figure_too_large", "数值过大，请核实"),
    ("figure_twice", "重复填写"),
    ("figure_unknown", "未知的数据项"),
];

const EN: &[(&str, &str)] = &[
    ("app", "Guiyan"),
    ("forbidden_title", "No access"),
    (
        "forbidden_body",
        "This link is not valid or has expired. Use the newest link from your mail, or ask the unit above you to send a new one.",
    ),
    ("not_found_title", "Not found"),
    ("not_found_body", "The page you are looking for does not exist."),
    ("too_many_title", "Please try again later"),
    ("too_many_body", "Too many attempts; please wait a while and try again."),
    ("bad_request_title", "This request cannot be handled"),
    ("server_title", "Temporarily unavailable"),
    (
        "server_body",
        "Guiyan cannot handle your request right now; please try again later. If this goes on, contact the administrator.",
    ),
    ("home", "Home"),
    ("my_tasks", "My tasks"),
    ("dashboard", "Progress"),
    ("units_below", "Units below"),
    ("overdue", "Overdue"),
    ("due_soon", "Due soon"),
    ("open", "Open"),
    ("waiting", "Waiting"),
    ("done", "Done"),
    ("waived", "Waived"),
    ("cancelled", "Cancelled"),
    ("no_tasks", "No tasks"),
    ("run_closed", "This run has closed"),
    ("run_closes", "Run closes"),
    ("starts", "Starts"),
    ("due", "Due"),
    ("overdue_by", "Overdue by"),
    ("time_left", "Left"),
    ("waiting_on", "Waiting for"),
    ("starts_later", "Not started yet"),
    ("reported", "Reported"),
    ("reported_by", "Reported by"),
    ("reported_at", "Reported at"),
    ("report_title", "Report this task done"),
    ("correct_title", "Correct the report"),
    ("optional", "optional"),
    ("required", "required"),
    ("note", "Note"),
    ("note_hint", "A notable case, a highlight, or why the work is not finished"),
    ("typical", "Put this note in the work report as a typical case"),
    ("download", "Download"),
    ("download_report", "work report (Word)"),
    ("download_ledger", "ledger (Excel)"),
    ("submit", "Submit and mark done"),
    ("submit_correction", "Submit the correction"),
    ("fix_below", "Please correct what is marked below and submit again."),
    ("submitted_done", "Submitted: the task is done."),
    ("submitted_corrected", "The report was corrected."),
    ("submitted_repeated", "This form was already submitted; it was not counted twice."),
    ("opened_next", "Tasks that opened now:"),
    ("opened_next_after", "(their units will be told by mail)."),
    ("history", "History"),
    ("back", "Back"),
    ("task_id", "Task"),
    ("unit", "Unit"),
    ("contact", "Contact"),
    ("completion", "Completion"),
    ("tasks", "Tasks"),
    ("total", "Tasks"),
    ("ranking", "Ranking by completion"),
    ("place", "Place"),
    ("mark_behind", "Behind"),
    ("mark_at_risk", "At risk"),
    ("mark_on_track", "On track"),
    ("mark_no_tasks", "No tasks"),
    ("overdue_list", "Overdue tasks"),
    ("due_soon_list", "Tasks due soon"),
    ("figures", "Figures"),
    ("figure_pending", "(not yet reported)"),
    ("figures_by_unit", "Figures by unit"),
    ("burn_up", "Tasks done over the run"),
    ("by_unit_chart", "Completion by unit"),
    ("by_task", "By task"),
    ("run", "Run"),
    ("runs", "Runs"),
    ("past_runs", "Past runs"),
    ("missed", "Missed"),
    ("none", "None"),
    ("live", "Refreshes by itself every few seconds"),
    ("when", "When"),
    ("who", "Who"),
    ("what", "What"),
    ("from", "From"),
    ("detail", "Detail"),
    ("welcome", "Hello"),
    ("read_only", "Read only: the unit responsible reports this task."),
    ("no_runs", "No runs yet."),
    ("lang_switch", "中文"),
    ("view_all", "View all"),
    ("days", "days"),
    ("landing_title", "Guiyan"),
    (
        "landing_body",
        "Open Guiyan with the personal link from your mail. If the link no longer works, ask the unit above you to send a new one.",
    ),
    ("figure_invalid", "expected a non-negative whole number"),
    ("figure_invalid_decimal", "expected a non-negative number"),
    ("figure_missing", "required"),
    ("figure_too_large", "too large; please check"),
    ("figure_twice", "given twice"),
    ("figure_unknown", "unknown figure"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_words() {
        let zh: Vec<&str> = ZH.iter().map(|(k, _)| *k).collect();
        let en: Vec<&str> = EN.iter().map(|(k, _)| *k).collect();
        assert_eq!(zh, en);
        let mut unique = zh.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), zh.len(), "a key twice");
    }

    #[test]
    fn the_query_wins_then_the_campaign() {
        assert_eq!(choose(Some("en"), Some(Lang::Zh)), Lang::En);
        assert_eq!(choose(None, Some(Lang::En)), Lang::En);
        assert_eq!(choose(Some("xx"), None), Lang::Zh);
    }
}
