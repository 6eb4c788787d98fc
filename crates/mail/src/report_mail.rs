//! A report as a mail: the report's own text and HTML (rendered by the caller from the report's
//! document), framed with a greeting, the reader's own dashboard link and a footer. A report is
//! one mail per recipient and report time, never merged into a unit's task digest: it is read and
//! forwarded on its own.

use campaign::Locale;

use crate::templates::Rendered;

/// What a report mail carries.
#[derive(Clone, Debug)]
pub struct ReportMail<'a> {
    pub locale: Locale,
    /// The report's title with its run ("乡土人才联络和回归工作进展周报（2027）").
    pub subject: &'a str,
    /// The recipient's name, for the greeting.
    pub recipient_name: &'a str,
    /// The report as plain text, and as an HTML fragment (escaped by its renderer).
    pub text: &'a str,
    pub html: &'a str,
    /// The recipient's signed link to the dashboard, if the web is configured.
    pub dashboard_link: Option<&'a str>,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The mail of `report`.
pub fn render_report(report: &ReportMail<'_>) -> Rendered {
    let zh = report.locale == Locale::ZhCn;
    let greeting =
        if zh { format!("{}：", report.recipient_name) } else { format!("Dear {},", report.recipient_name) };
    let link_line = report.dashboard_link.map(|link| {
        if zh {
            (format!("完成情况随时可在此查看（个人链接，请勿转发）：{link}"), link)
        } else {
            (format!("See progress at any time (your personal link; do not forward): {link}"), link)
        }
    });
    let footer = if zh {
        "本邮件由归雁自动发送，数据来自各单位报送。"
    } else {
        "Sent by guiyan from the figures units reported."
    };
    let mut text = format!("{greeting}\n\n{}\n", report.text.trim_end());
    if let Some((line, _)) = &link_line {
        text.push_str(&format!("\n{line}\n"));
    }
    text.push_str(&format!("\n-- \n{footer}\n"));
    let link_html = link_line
        .map(|(_, link)| {
            let words = if zh { "查看完成情况" } else { "See progress" };
            let note = if zh { "个人链接，请勿转发" } else { "your personal link; do not forward" };
            format!(
                "<p style=\"margin:24px 0\"><a href=\"{}\" style=\"background:#b3261e;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none\">{words}</a> <small style=\"color:#666\">{note}</small></p>",
                escape(link)
            )
        })
        .unwrap_or_default();
    let html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{title}</title>\
<style>body{{font-family:\"Songti SC\",\"SimSun\",\"Noto Serif CJK SC\",serif;line-height:1.8;color:#222;max-width:760px;margin:0 auto;padding:16px}}\
h1{{font-size:1.4em;text-align:center}}h2{{font-size:1.1em}}table{{border-collapse:collapse;width:100%;font-size:.9em;font-family:sans-serif}}\
th,td{{border:1px solid #ccc;padding:4px 6px;text-align:left}}td.number{{text-align:right}}p{{text-indent:2em}}</style></head>\
<body><p style=\"text-indent:0\">{greeting}</p>{body}{link_html}<hr><p style=\"text-indent:0;color:#666;font-size:.85em\">{footer}</p></body></html>",
        lang = if zh { "zh-CN" } else { "en" },
        title = escape(report.subject),
        greeting = escape(&greeting),
        body = report.html,
    );
    Rendered { subject: report.subject.to_string(), text, html }
}
