//! `guiyan registry request add|answer` and `guiyan registry requests`: a person's requests to
//! see, correct or erase their record (查阅 / 更正 / 删除), recorded with a due date and answered,
//! as the district. Persons and requests are named by their numbers; nothing personal is printed
//! (a correction names the fields it changed, never their values).

use campaign::Lang;
use chrono::NaiveDate;
use store::registry::{NewRequest, RequestAnswer, RequestQuery, RightsRequest};
use talent::{Field, RequestChannel, RequestOutcome, RightsRequestKind};

use super::{Ctx, viewer};
use crate::commands::store_commands::with_store;
use crate::output::outln;

/// Reads a day given as `YYYY-MM-DD`, naming the option when it is not one.
pub(super) fn parse_day(option: &str, text: &str, lang: Lang) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| match lang {
        Lang::Zh => anyhow::anyhow!("{option}：应为日期 YYYY-MM-DD（如 2026-12-07），填的是“{}”", text.trim()),
        Lang::En => anyhow::anyhow!("{option}: expected a date YYYY-MM-DD (e.g. 2026-12-07), got “{}”", text.trim()),
    })
}

/// `guiyan registry request add PERSON --kind K --via V [--received DATE] [--due DATE]`.
pub fn add(
    ctx: &Ctx,
    person: i64,
    kind: &str,
    via: &str,
    received: Option<&str>,
    due: Option<&str>,
) -> anyhow::Result<u8> {
    let lang = ctx.lang;
    let kind = RightsRequestKind::parse(kind).map_err(|e| anyhow::anyhow!("--kind: {}", e.message(lang)))?;
    let channel = RequestChannel::parse(via).map_err(|e| anyhow::anyhow!("--via: {}", e.message(lang)))?;
    let received_on = match received {
        Some(text) => parse_day("--received", text, lang)?,
        None => ctx.now.date_naive(),
    };
    let due_on = due.map(|text| parse_day("--due", text, lang)).transpose()?;
    let new = NewRequest { person_id: person, kind, channel, received_on, due_on };
    with_store(&ctx.settings.database_url, lang, async |store| {
        let id = store::registry::add_request(store, &viewer(), &new, ctx.now).await?;
        let due_on = due_on.unwrap_or_else(|| talent::request_due(received_on));
        match lang {
            Lang::Zh => outln!(
                "已登记第 {person} 号人员的{}申请（申请编号 {id}，{}收到），答复期限 {due_on}，已记入访问日志",
                kind.label(lang),
                channel.label(lang)
            ),
            Lang::En => outln!(
                "request {id} recorded: person {person} asks to {} ({}), due {due_on}; logged",
                kind.label(lang).to_lowercase(),
                channel.label(lang).to_lowercase()
            ),
        }
        Ok(0)
    })
}

/// How `request answer` was told to answer.
pub struct AnswerArgs<'a> {
    pub copy_given: bool,
    pub set: &'a [String],
    pub erase: bool,
    pub refuse: bool,
    pub note: Option<&'a str>,
    pub reason: Option<&'a str>,
}

fn parse_set(text: &str, lang: Lang) -> anyhow::Result<(Field, String)> {
    let Some((field, value)) = text.split_once('=') else {
        return Err(match lang {
            Lang::Zh => anyhow::anyhow!("--set：应为 字段=值（如 --set 联系电话=13900139000），缺少“=”"),
            Lang::En => anyhow::anyhow!("--set: expected FIELD=VALUE (e.g. --set mobile=13900139000), no “=” given"),
        });
    };
    let field = Field::parse(field).map_err(|e| anyhow::anyhow!("--set: {}", e.message(lang)))?;
    Ok((field, value.to_string()))
}

/// `guiyan registry request answer ID (--copy-given | --set FIELD=VALUE… | --erase | --refuse
/// --reason TEXT) [--note TEXT]`.
pub fn answer(ctx: &Ctx, id: i64, args: &AnswerArgs) -> anyhow::Result<u8> {
    let lang = ctx.lang;
    let note = args.note.unwrap_or_default().to_string();
    let answer = if args.refuse {
        RequestAnswer::Refused { reason: args.reason.unwrap_or_default().to_string() }
    } else if args.erase {
        RequestAnswer::Erased { note }
    } else if !args.set.is_empty() {
        let changes = args.set.iter().map(|s| parse_set(s, lang)).collect::<anyhow::Result<Vec<_>>>()?;
        RequestAnswer::Corrected { changes, note }
    } else if args.copy_given {
        RequestAnswer::CopyGiven { note }
    } else {
        return Err(match lang {
            Lang::Zh => anyhow::anyhow!(
                "请说明如何答复：--copy-given（查阅）、--set 字段=值（更正）、--erase（删除）或 --refuse --reason 理由"
            ),
            Lang::En => anyhow::anyhow!(
                "say how it is answered: --copy-given (see), --set FIELD=VALUE (correct), --erase (erase) or --refuse --reason TEXT"
            ),
        });
    };
    let vault = super::keys::open(ctx.settings, lang)?;
    with_store(&ctx.settings.database_url, lang, async |store| {
        let done = store::registry::answer_request(store, &vault, &viewer(), id, &answer, ctx.now).await?;
        let person = done.person_id;
        let fields = field_labels(done.fields.iter().copied(), lang);
        match (&answer, lang) {
            (RequestAnswer::Refused { .. }, Lang::Zh) => outln!("第 {id} 号申请不予办理，理由已记录并记入访问日志"),
            (RequestAnswer::Refused { .. }, Lang::En) => outln!("request {id} is refused; the reason is kept; logged"),
            (RequestAnswer::CopyGiven { .. }, Lang::Zh) => {
                outln!("第 {id} 号申请已办理：已向第 {person} 号人员提供档案副本，已记入访问日志")
            }
            (RequestAnswer::CopyGiven { .. }, Lang::En) => {
                outln!("request {id} is done: person {person} was given a copy of their record; logged")
            }
            (RequestAnswer::Corrected { .. }, Lang::Zh) => {
                outln!("第 {id} 号申请已办理：第 {person} 号人员的档案已更正（{fields}），已记入访问日志")
            }
            (RequestAnswer::Corrected { .. }, Lang::En) => {
                outln!("request {id} is done: person {person}'s record is corrected ({fields}); logged")
            }
            (RequestAnswer::Erased { .. }, Lang::Zh) => outln!(
                "第 {id} 号申请已办理：第 {person} 号人员的个人信息已删除（保留人才类别、意愿和所在街道以供统计），已记入访问日志"
            ),
            (RequestAnswer::Erased { .. }, Lang::En) => outln!(
                "request {id} is done: person {person}'s personal data is erased (category, intent and street kept for the counts); logged"
            ),
        }
        Ok(0)
    })
}

fn field_labels<'a>(keys: impl Iterator<Item = &'a str>, lang: Lang) -> String {
    let sep = if lang == Lang::Zh { "、" } else { ", " };
    keys.map(|k| Field::parse(k).map_or(k, |f| f.label(lang))).collect::<Vec<_>>().join(sep)
}

/// `guiyan registry requests [--open] [--overdue] [--json]`: the overdue on top.
pub fn list(ctx: &Ctx, open: bool, overdue: bool, json: bool) -> anyhow::Result<u8> {
    let lang = ctx.lang;
    let query = RequestQuery { open_only: open, overdue_only: overdue };
    with_store(&ctx.settings.database_url, lang, async |store| {
        let requests = store::registry::list_requests(store, &viewer(), query, ctx.now).await?;
        if json {
            outln!("{}", serde_json::to_string_pretty(&requests).unwrap_or_default());
            return Ok(0);
        }
        let late = requests.iter().filter(|r| r.overdue).count();
        let open = requests.iter().filter(|r| r.outcome.is_none()).count();
        match lang {
            Lang::Zh => outln!("共 {} 件申请：未答复 {open} 件，其中逾期 {late} 件", requests.len()),
            Lang::En => outln!("{} request(s): {open} open, {late} of them overdue", requests.len()),
        }
        let today = ctx.now.date_naive();
        for r in &requests {
            outln!("{}", line(r, today, lang));
        }
        Ok(0)
    })
}

fn line(r: &RightsRequest, today: NaiveDate, lang: Lang) -> String {
    let state = match (r.outcome, lang) {
        (None, Lang::Zh) if r.overdue => format!("已逾期 {} 天", (today - r.due_on).num_days()),
        (None, Lang::En) if r.overdue => format!("OVERDUE by {} day(s)", (today - r.due_on).num_days()),
        (None, Lang::Zh) => "待答复".into(),
        (None, Lang::En) => "open".into(),
        (Some(outcome), _) => {
            let on = r.answered_on.map(|d| d.to_string()).unwrap_or_default();
            let mut s = format!("{} {on}", outcome.label(lang));
            if !r.fields.is_empty() {
                s.push_str(&format!(" ({})", field_labels(r.fields.iter().map(String::as_str), lang)));
            }
            if outcome == RequestOutcome::Refused
                && let Some(reason) = &r.answer
            {
                s.push_str(&if lang == Lang::Zh {
                    format!(" 理由：{reason}")
                } else {
                    format!(" reason: {reason}")
                });
            }
            s
        }
    };
    match lang {
        Lang::Zh => format!(
            "#{}  第 {} 号 {}  {}  {}  收到 {}  期限 {}  {state}",
            r.id,
            r.person_id,
            r.name,
            r.kind.label(lang),
            r.channel.label(lang),
            r.received_on,
            r.due_on
        ),
        Lang::En => format!(
            "#{}  person {} {}  {}  {}  received {}  due {}  {state}",
            r.id,
            r.person_id,
            r.name,
            r.kind.key(),
            r.channel.key(),
            r.received_on,
            r.due_on
        ),
    }
}
