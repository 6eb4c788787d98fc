//! Stage two: a raw campaign checked against its directory into a typed [`Campaign`], with every
//! semantic problem reported (unknown units and tasks, cycles, bad offsets and times, ordering).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use calendar::{CronSchedule, Festival, LunarMonthDay, Offset, OffsetUnit, Tz, WorkdayCalendar, parse_offset};
use chrono::{NaiveDate, NaiveTime};

use crate::counted::RegisterCount;
use crate::diagnostic::{DiagnosticKind, Loc};
use crate::directory::Directory;
use crate::ids::is_valid_id;
use crate::layout::TaskAttribute;
use crate::model::*;
use crate::raw::*;
use crate::read::{Located, Reader, Scalar};
use crate::time_expr::{TimeExpr, parse_time_expr};
use crate::timing::{Landing, frame, resolve, uses_working_days};
use crate::validate_layout::{Names, report_layout};

/// What validation of one campaign needs besides the file itself.
pub struct Context<'a> {
    /// The campaign's directory, if it could be read (errors in it are reported separately).
    pub directory: Option<&'a Directory>,
    /// Whether the holiday arrangements file could be read.
    pub has_workdays: bool,
    /// Whether a file exists (for report templates), answered by the caller's file system.
    pub file_exists: &'a dyn Fn(&Path) -> bool,
}

/// Where a campaign's directory and holiday files are, resolved against the campaign's folder.
pub fn referenced_files(raw: &RawCampaign, source: &Path) -> (Option<Located<PathBuf>>, PathBuf) {
    let folder = source.parent().unwrap_or(Path::new(""));
    let directory = raw.directory.as_ref().map(|d| Located { value: crate::paths::join(folder, &d.value), loc: d.loc });
    let holidays = crate::paths::join(folder, raw.holidays.as_ref().map_or("holidays.yaml", |h| h.value.as_str()));
    (directory, holidays)
}

/// Validates a raw campaign. Returns the typed campaign only when no error was found in it.
pub fn validate_campaign(raw: &RawCampaign, r: &mut Reader, cx: &Context) -> Option<Campaign> {
    let before = r.diagnostics.len();
    let source = r.file().to_path_buf();
    let (directory_path, holidays_path) = referenced_files(raw, &source);

    let id = checked_id(r, "id", raw.id.as_ref());
    let name = raw.name.as_ref().map(|n| n.value.0.clone());
    let owner = raw.owner.as_ref().and_then(|o| r.in_key("owner", |r| known_unit(r, cx, o)));
    let timezone = raw.timezone.as_ref().and_then(|tz| {
        r.in_key("timezone", |r| match tz.value.parse::<Tz>() {
            Ok(tz) => Some(tz),
            Err(_) => {
                r.error(tz.loc, DiagnosticKind::UnknownTimezone { name: tz.value.clone() });
                None
            }
        })
    });
    let locale = match &raw.locale {
        None => Some(Locale::ZhCn),
        Some(l) => r.in_key("locale", |r| match l.value.as_str() {
            "zh-CN" | "zh" | "zh-Hans" => Some(Locale::ZhCn),
            "en" | "en-US" | "en-GB" => Some(Locale::En),
            other => {
                r.error(l.loc, DiagnosticKind::UnknownLocale { value: other.to_string() });
                None
            }
        }),
    };
    let recurrence = raw.recurrence.as_ref().and_then(|rec| r.in_key("recurrence", |r| recurrence(r, rec)));
    let defaults = raw.defaults.clone().unwrap_or_default();
    let (due_time, start_time, default_reminders, default_escalate) = r.in_key("defaults", |r| {
        let due_time = time_of_day(r, "due_time", defaults.due_time.as_ref(), NaiveTime::from_hms_opt(17, 30, 0));
        let start_time = time_of_day(r, "start_time", defaults.start_time.as_ref(), NaiveTime::from_hms_opt(9, 0, 0));
        let reminders = r.in_key("reminders", |r| reminders(r, defaults.reminders.as_deref().unwrap_or_default()));
        let escalate = match &defaults.escalate {
            None | Some(RawEscalateSetting::Off(_)) => Some(None),
            Some(RawEscalateSetting::Rules(e)) => r.in_key("escalate", |r| escalation(r, cx, e)).map(Some),
        };
        (due_time, start_time, reminders, escalate)
    });

    let raw_tasks: &[RawTask] = raw.tasks.as_ref().map_or(&[], |t| t.value.as_slice());
    if let Some(tasks) = &raw.tasks
        && tasks.value.is_empty()
    {
        r.in_key("tasks", |r| {
            r.error(tasks.loc, DiagnosticKind::WrongType { expected: "non-empty list", found: "empty list" })
        });
    }
    let mut first_task_line: HashMap<&str, u32> = HashMap::new();
    let mut tasks = Vec::new();
    r.in_key("tasks", |r| {
        for (i, raw_task) in raw_tasks.iter().enumerate() {
            r.in_index(i, |r| {
                if let Some(id) = &raw_task.id
                    && let Some(first_line) = first_task_line.get(id.value.as_str())
                {
                    let first_line = *first_line;
                    r.in_key("id", |r| {
                        r.error(id.loc, DiagnosticKind::DuplicateId { what: "task", id: id.value.clone(), first_line })
                    });
                } else if let Some(id) = &raw_task.id {
                    first_task_line.insert(id.value.as_str(), id.loc.line);
                }
                let task = task(r, cx, raw_task, raw_tasks, &default_reminders, &default_escalate);
                tasks.push(task);
            });
        }
    });
    r.in_key("tasks", |r| check_cycles(r, raw_tasks));

    let mut reports = Vec::new();
    let mut first_report_line: HashMap<&str, u32> = HashMap::new();
    r.in_key("reports", |r| {
        for (i, raw_report) in raw.reports.iter().flatten().enumerate() {
            r.in_index(i, |r| {
                if let Some(id) = &raw_report.id {
                    if let Some(&first_line) = first_report_line.get(id.value.as_str()) {
                        r.in_key("id", |r| {
                            r.error(
                                id.loc,
                                DiagnosticKind::DuplicateId { what: "report", id: id.value.clone(), first_line },
                            )
                        });
                    } else {
                        first_report_line.insert(id.value.as_str(), id.loc.line);
                    }
                }
                reports.push(report(r, cx, raw_report, raw_tasks, &source));
            });
        }
    });

    // Working-day offsets need the holiday arrangements.
    if !cx.has_workdays
        && let Some((field, loc)) = first_working_day_offset(raw)
    {
        let file = holidays_path.display().to_string();
        r.in_key(&field, |r| r.error(loc, DiagnosticKind::WorkdaysMissing { file }));
    }

    let notice = match &raw.notice {
        None => Some(None),
        Some(n) => r.in_key("notice", |r| notice(r, n)).map(Some),
    };
    let campaign = Campaign {
        id: id?,
        name: name?,
        description: raw.description.as_ref().map(|d| d.value.0.clone()),
        owner: owner?,
        timezone: timezone?,
        locale: locale?,
        source,
        directory: directory_path?.value,
        holidays: holidays_path,
        recurrence: recurrence?,
        due_time: due_time?,
        start_time: start_time?,
        tasks: tasks.into_iter().collect::<Option<Vec<_>>>()?,
        reports: reports.into_iter().collect::<Option<Vec<_>>>()?,
        notice: notice?,
    };
    check_time_order(r, &campaign);
    (r.diagnostics.len() == before).then_some(campaign)
}

/// `notice:`: a version short enough to list, and a text that says something.
fn notice(r: &mut Reader, raw: &RawNotice) -> Option<Notice> {
    let version = raw.version.as_ref()?;
    let text = raw.text.as_ref()?;
    let mut ok = true;
    let trimmed = version.value.0.trim();
    if trimmed.is_empty() {
        r.in_key("version", |r| r.error(version.loc, DiagnosticKind::EmptyText { what: "notice version" }));
        ok = false;
    } else if trimmed.chars().count() > Notice::MAX_VERSION_CHARS {
        r.in_key("version", |r| {
            r.error(version.loc, DiagnosticKind::NoticeVersionTooLong { max: Notice::MAX_VERSION_CHARS })
        });
        ok = false;
    }
    if text.value.0.trim().is_empty() {
        r.in_key("text", |r| r.error(text.loc, DiagnosticKind::EmptyText { what: "notice text" }));
        ok = false;
    }
    let title = raw.title.as_ref().map(|t| t.value.0.trim().to_string()).filter(|t| !t.is_empty());
    ok.then(|| Notice {
        version: trimmed.to_string(),
        title: title.unwrap_or_else(|| Notice::DEFAULT_TITLE.to_string()),
        text: text.value.0.trim().to_string(),
    })
}

fn checked_id(r: &mut Reader, key: &str, id: Option<&Located<String>>) -> Option<String> {
    let id = id?;
    if is_valid_id(&id.value) {
        Some(id.value.clone())
    } else {
        r.in_key(key, |r| r.error(id.loc, DiagnosticKind::InvalidId { value: id.value.clone() }));
        None
    }
}

fn known_unit(r: &mut Reader, cx: &Context, id: &Located<String>) -> Option<String> {
    let dir = cx.directory?;
    if dir.unit(&id.value).is_some() {
        Some(id.value.clone())
    } else {
        r.error(id.loc, DiagnosticKind::UnknownUnit { id: id.value.clone() });
        None
    }
}

fn offset(r: &mut Reader, text: &Located<Scalar>) -> Option<Offset> {
    // `- 3d` is as clear as `-3d`.
    let compact: String = text.value.0.split_whitespace().collect();
    match parse_offset(&compact) {
        Ok(offset) => Some(offset),
        Err(err) => {
            r.error(text.loc, DiagnosticKind::InvalidOffset { value: text.value.0.clone(), problem: err });
            None
        }
    }
}

fn time_expr(r: &mut Reader, text: &Located<Scalar>) -> Option<Located<TimeExpr>> {
    match parse_time_expr(&text.value.0) {
        Ok(expr) => Some(Located { value: expr, loc: text.loc }),
        Err(err) => {
            r.error(text.loc, DiagnosticKind::InvalidTimeExpr { value: text.value.0.clone(), problem: err });
            None
        }
    }
}

fn time_of_day(
    r: &mut Reader,
    key: &str,
    text: Option<&Located<Scalar>>,
    default: Option<NaiveTime>,
) -> Option<NaiveTime> {
    let Some(text) = text else { return default };
    r.in_key(key, |r| {
        let value = text.value.0.trim();
        let parsed = NaiveTime::parse_from_str(value, "%H:%M").ok().filter(|_| value.len() == 5);
        if parsed.is_none() {
            r.error(text.loc, DiagnosticKind::InvalidTimeOfDay { value: text.value.0.clone() });
        }
        parsed
    })
}

fn recurrence(r: &mut Reader, raw: &RawRecurrence) -> Option<Recurrence> {
    let anchor = match (&raw.anchor, &raw.cron) {
        (Some(_), Some(_)) => {
            r.error(raw.loc, DiagnosticKind::AnchorConflict);
            None
        }
        (None, None) => {
            if !raw.written.contains(&"anchor") && !raw.written.contains(&"cron") {
                r.error(raw.loc, DiagnosticKind::AnchorMissing);
            }
            None
        }
        (Some(anchor), None) => r.in_key("anchor", |r| calendar_anchor(r, anchor)),
        (None, Some(cron)) => r.in_key("cron", |r| cron_schedule(r, cron).map(|c| Anchor::Cron(Box::new(c)))),
    };
    let opens =
        raw.opens.as_ref().and_then(|o| r.in_key("opens", |r| offset(r, o).map(|v| Located { value: v, loc: o.loc })));
    let closes = raw
        .closes
        .as_ref()
        .and_then(|c| r.in_key("closes", |r| offset(r, c).map(|v| Located { value: v, loc: c.loc })));
    let opens_ok = raw.opens.is_none() || opens.is_some();
    Some(Recurrence { anchor: anchor?, opens: if opens_ok { opens } else { return None }, closes: closes? })
}

fn calendar_anchor(r: &mut Reader, anchor: &Located<RawAnchor>) -> Option<Anchor> {
    match &anchor.value {
        RawAnchor::Name(name) => match Festival::from_name(name) {
            Some(f) => Some(Anchor::Festival(f)),
            None => {
                r.error(
                    anchor.loc,
                    DiagnosticKind::UnknownFestival { name: name.clone(), expected: Festival::known_names() },
                );
                None
            }
        },
        RawAnchor::Lunar { lunar } => {
            let parsed = parse_month_day(lunar).and_then(|(m, d)| LunarMonthDay::new(m as u8, d as u8).ok());
            if parsed.is_none() {
                r.in_key("lunar", |r| r.error(anchor.loc, DiagnosticKind::InvalidLunarDate { value: lunar.clone() }));
            }
            parsed.map(Anchor::Lunar)
        }
        RawAnchor::Date { date } => {
            // A leap year accepts 02-29; such a campaign simply has no run in other years.
            let parsed = parse_month_day(date).filter(|(m, d)| NaiveDate::from_ymd_opt(2000, *m, *d).is_some());
            if parsed.is_none() {
                r.in_key("date", |r| r.error(anchor.loc, DiagnosticKind::InvalidCalendarDate { value: date.clone() }));
            }
            parsed.map(|(month, day)| Anchor::Date { month, day })
        }
    }
}

/// "8-15" or "08-15".
fn parse_month_day(text: &str) -> Option<(u32, u32)> {
    let (m, d) = text.trim().split_once('-')?;
    let ok = |s: &str| !s.is_empty() && s.len() <= 2 && s.chars().all(|c| c.is_ascii_digit());
    (ok(m) && ok(d)).then(|| Some((m.parse().ok()?, d.parse().ok()?)))?
}

fn cron_schedule(r: &mut Reader, cron: &Located<String>) -> Option<CronSchedule> {
    match CronSchedule::parse(&cron.value) {
        Ok(schedule) => Some(schedule),
        Err(err) => {
            r.error(cron.loc, DiagnosticKind::InvalidCron { value: cron.value.clone(), problem: err });
            None
        }
    }
}

fn reminders(r: &mut Reader, raw: &[Located<Scalar>]) -> Option<Vec<Offset>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (i, text) in raw.iter().enumerate() {
        r.in_index(i, |r| match offset(r, text) {
            Some(o) if o.amount < 0 => out.push(o),
            Some(_) => {
                r.error(text.loc, DiagnosticKind::ReminderNotBefore { value: text.value.0.clone() });
                ok = false;
            }
            None => ok = false,
        });
    }
    ok.then_some(out)
}

fn escalation(r: &mut Reader, cx: &Context, raw: &RawEscalate) -> Option<Escalation> {
    let positive = |r: &mut Reader, key: &str, text: &Located<Scalar>| {
        r.in_key(key, |r| {
            let o = offset(r, text)?;
            if o.amount <= 0 {
                r.error(text.loc, DiagnosticKind::EscalationNotAfter { value: text.value.0.clone() });
                return None;
            }
            Some(o)
        })
    };
    let after = raw.after.as_ref().and_then(|a| positive(r, "after", a));
    let every = match &raw.every {
        Some(e) => positive(r, "every", e),
        None => after,
    };
    let to = match &raw.to {
        None => Some(EscalationTarget::Parent),
        Some(to) => r.in_key("to", |r| match to.value.as_str() {
            "parent" => Some(EscalationTarget::Parent),
            "owner" => Some(EscalationTarget::Owner),
            unit => match cx.directory {
                Some(dir) if dir.unit(unit).is_some() => Some(EscalationTarget::Unit(unit.to_string())),
                Some(_) => {
                    r.error(to.loc, DiagnosticKind::UnknownEscalationTarget { value: unit.to_string() });
                    None
                }
                None => None,
            },
        }),
    };
    Some(Escalation { after: after?, every: every?, to: to? })
}

fn task(
    r: &mut Reader,
    cx: &Context,
    raw: &RawTask,
    all: &[RawTask],
    default_reminders: &Option<Vec<Offset>>,
    default_escalate: &Option<Option<Escalation>>,
) -> Option<TaskTemplate> {
    let id = checked_id(r, "id", raw.id.as_ref());
    let kind = match &raw.kind {
        None => Some(TaskKind::Other),
        Some(k) => r.in_key("kind", |r| {
            let kind = TaskKind::from_name(&k.value);
            if kind.is_none() {
                r.error(
                    k.loc,
                    DiagnosticKind::UnknownTaskKind { kind: k.value.clone(), expected: TaskKind::NAMES.to_vec() },
                );
            }
            kind
        }),
    };
    let assignees = assignees(r, cx, raw);
    let mut after = Vec::new();
    let mut after_ok = true;
    r.in_key("after", |r| {
        for (i, dep) in raw.after.iter().flatten().enumerate() {
            r.in_index(i, |r| {
                if raw.id.as_ref().is_some_and(|id| id.value == dep.value) {
                    r.error(dep.loc, DiagnosticKind::SelfDependency { id: dep.value.clone() });
                    after_ok = false;
                } else if !all.iter().any(|t| t.id.as_ref().is_some_and(|id| id.value == dep.value)) {
                    r.error(dep.loc, DiagnosticKind::UnknownTask { id: dep.value.clone() });
                    after_ok = false;
                } else if !after.contains(&dep.value) {
                    after.push(dep.value.clone());
                }
            });
        }
    });
    let starts = raw.starts.as_ref().map(|s| r.in_key("starts", |r| time_expr(r, s)));
    let due = raw.due.as_ref().and_then(|d| r.in_key("due", |r| time_expr(r, d)));
    let figures = r.in_key("figures", |r| figures(r, raw));
    let reminders = match &raw.reminders {
        Some(list) => r.in_key("reminders", |r| reminders(r, list)),
        None => default_reminders.clone(),
    };
    let escalate = match &raw.escalate {
        Some(RawEscalateSetting::Rules(e)) => r.in_key("escalate", |r| escalation(r, cx, e).map(Some)),
        Some(RawEscalateSetting::Off(_)) => Some(None),
        None => default_escalate.clone(),
    };
    Some(TaskTemplate {
        id: id?,
        kind: kind?,
        title: raw.title.as_ref()?.value.0.clone(),
        description: raw.description.as_ref().map(|d| d.value.0.clone()),
        assignees: assignees?,
        after: if after_ok { after } else { return None },
        starts: match starts {
            None => None,
            Some(s) => Some(s?),
        },
        due: due?,
        figures: figures?,
        reminders: reminders?,
        escalate: escalate?,
        loc: raw.loc,
    })
}

fn assignees(r: &mut Reader, cx: &Context, raw: &RawTask) -> Option<Assignees> {
    match (&raw.assignee, &raw.assignees) {
        (Some(_), Some(_)) => {
            r.error(raw.loc, DiagnosticKind::AssigneeConflict);
            None
        }
        (None, None) => {
            if !raw.written.contains(&"assignee") && !raw.written.contains(&"assignees") {
                r.error(raw.loc, DiagnosticKind::AssigneeMissing);
            }
            None
        }
        (Some(unit), None) => r.in_key("assignee", |r| known_unit(r, cx, unit)).map(Assignees::Unit),
        (None, Some(sel)) => r.in_key("assignees", |r| {
            let dir = cx.directory?;
            match (&sel.level, &sel.under, &sel.units) {
                (Some(_), _, Some(_)) | (None, Some(_), Some(_)) => {
                    r.error(sel.loc, DiagnosticKind::AssigneesLevelAndUnits);
                    None
                }
                (None, None, Some(units)) if units.is_empty() => {
                    r.in_key("units", |r| r.error(sel.loc, DiagnosticKind::AssigneesIncomplete));
                    None
                }
                (None, None, Some(units)) => {
                    let mut ok = true;
                    let mut ids = Vec::new();
                    r.in_key("units", |r| {
                        for (i, unit) in units.iter().enumerate() {
                            r.in_index(i, |r| match known_unit(r, cx, unit) {
                                Some(id) if !ids.contains(&id) => ids.push(id),
                                Some(_) => {}
                                None => ok = false,
                            });
                        }
                    });
                    ok.then_some(Assignees::Units(ids))
                }
                (Some(level), under, None) => {
                    let level_index = r.in_key("level", |r| match dir.level_index(&level.value) {
                        Some(i) => Some(i),
                        None => {
                            r.error(
                                level.loc,
                                DiagnosticKind::UnknownLevel {
                                    level: level.value.clone(),
                                    expected: dir.levels.clone(),
                                },
                            );
                            None
                        }
                    });
                    let under_index = match under {
                        None => Some(None),
                        Some(u) => r.in_key("under", |r| known_unit(r, cx, u)).map(|id| dir.position(&id)),
                    };
                    let (level_index, under_index) = (level_index?, under_index?);
                    if dir.units_at_level(level_index, under_index).is_empty() {
                        let under = under.as_ref().map(|u| u.value.clone());
                        r.error(sel.loc, DiagnosticKind::NoUnitsSelected { level: level.value.clone(), under });
                        return None;
                    }
                    Some(Assignees::Level {
                        level: level.value.clone(),
                        under: under.as_ref().map(|u| u.value.clone()),
                    })
                }
                _ => {
                    if !sel.had_unknown_keys {
                        r.error(sel.loc, DiagnosticKind::AssigneesIncomplete);
                    }
                    None
                }
            }
        }),
    }
}

fn figures(r: &mut Reader, raw: &RawTask) -> Option<Vec<Figure>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (key, fig) in raw.figures.iter().flat_map(|f| f.0.iter()) {
        r.in_key(&key.value, |r| {
            if !is_valid_id(&key.value) {
                r.error(key.loc, DiagnosticKind::InvalidId { value: key.value.clone() });
                ok = false;
            } else if TaskAttribute::from_name(&key.value).is_some() {
                // `{task.date}` must mean one thing in a report point: these words belong to placeholders.
                r.error(key.loc, DiagnosticKind::ReservedFigureKey { key: key.value.clone() });
                ok = false;
            }
            let kind = match &fig.r#type {
                None => Some(FigureKind::Integer),
                Some(t) => r.in_key("type", |r| match t.value.as_str() {
                    "integer" => Some(FigureKind::Integer),
                    "decimal" => Some(FigureKind::Decimal),
                    other => {
                        r.error(t.loc, DiagnosticKind::UnknownFigureType { value: other.to_string() });
                        None
                    }
                }),
            };
            // `None` = not counted; `Some(None)` = counted by a name that is not one.
            let counted = fig.counted.as_ref().map(|c| {
                r.in_key("counted", |r| {
                    let count = RegisterCount::from_name(&c.value);
                    if count.is_none() {
                        r.error(
                            c.loc,
                            DiagnosticKind::UnknownRegisterCount {
                                value: c.value.clone(),
                                expected: RegisterCount::NAMES.to_vec(),
                            },
                        );
                    } else if kind == Some(FigureKind::Decimal) {
                        // A count of persons has no fraction; a decimal figure would take one.
                        r.error(c.loc, DiagnosticKind::CountedNotInteger { key: key.value.clone() });
                        return None;
                    }
                    count
                })
            });
            match (&fig.label, kind, counted) {
                (_, _, Some(None)) => ok = false,
                (Some(label), Some(kind), counted) => out.push(Figure {
                    key: key.value.clone(),
                    label: label.value.0.clone(),
                    unit: fig.unit.as_ref().map(|u| u.value.0.clone()),
                    kind,
                    required: fig.required.as_ref().is_none_or(|r| r.value),
                    counted: counted.flatten(),
                }),
                _ => ok = false,
            }
        });
    }
    ok.then_some(out)
}

fn report(r: &mut Reader, cx: &Context, raw: &RawReport, tasks: &[RawTask], source: &Path) -> Option<Report> {
    let id = checked_id(r, "id", raw.id.as_ref());
    let when = match (&raw.schedule, &raw.at) {
        (Some(_), Some(_)) => {
            r.error(raw.loc, DiagnosticKind::ScheduleConflict);
            None
        }
        (None, None) => {
            if !raw.written.contains(&"schedule") && !raw.written.contains(&"at") {
                r.error(raw.loc, DiagnosticKind::ScheduleMissing);
            }
            None
        }
        (Some(cron), None) => {
            r.in_key("schedule", |r| cron_schedule(r, cron)).map(|c| ReportWhen::Schedule(Box::new(c)))
        }
        (None, Some(at)) => r.in_key("at", |r| time_expr(r, at)).map(|e| ReportWhen::At(e.value)),
    };
    let mut to_ok = true;
    r.in_key("to", |r| {
        for (i, recipient) in raw.to.iter().flatten().enumerate() {
            r.in_index(i, |r| {
                if let Some(dir) = cx.directory
                    && dir.group(&recipient.value).is_none()
                    && dir.unit(&recipient.value).is_none()
                {
                    r.error(recipient.loc, DiagnosticKind::UnknownGroupOrUnit { id: recipient.value.clone() });
                    to_ok = false;
                }
            });
        }
    });
    let template = raw.template.as_ref().and_then(|t| {
        r.in_key("template", |r| match t.value.as_str() {
            "progress" => Some(ReportTemplate::Progress),
            "work-report" => Some(ReportTemplate::WorkReport),
            path if path.ends_with(".tera") => {
                let resolved = crate::paths::join(source.parent().unwrap_or(Path::new("")), path);
                if (cx.file_exists)(&resolved) {
                    Some(ReportTemplate::File(resolved))
                } else {
                    r.error(
                        t.loc,
                        DiagnosticKind::MissingFile {
                            path: resolved.display().to_string(),
                            problem: crate::diagnostic::ReadProblem::NotFound,
                        },
                    );
                    None
                }
            }
            other => {
                r.error(t.loc, DiagnosticKind::UnknownTemplate { value: other.to_string() });
                None
            }
        })
    });
    let names = Names { tasks, levels: cx.directory.map(|d| d.levels.as_slice()) };
    let layout = report_layout(r, raw, template.as_ref(), &names);
    Some(Report {
        id: id?,
        title: raw.title.as_ref()?.value.0.clone(),
        when: when?,
        to: if to_ok { raw.to.iter().flatten().map(|t| t.value.clone()).collect() } else { return None },
        template: template?,
        layout: layout?,
        loc: raw.loc,
    })
}

/// Reports every dependency cycle once, naming it (`a → b → c → a`).
fn check_cycles(r: &mut Reader, tasks: &[RawTask]) {
    let ids: Vec<Option<&str>> = tasks.iter().map(|t| t.id.as_ref().map(|i| i.value.as_str())).collect();
    let index_of = |id: &str| ids.iter().position(|i| *i == Some(id));
    let edges: Vec<Vec<usize>> = tasks
        .iter()
        .map(|t| t.after.iter().flatten().filter_map(|d| index_of(&d.value)).filter(|_| true).collect())
        .collect();
    // 0 = unvisited, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; tasks.len()];
    let mut stack: Vec<usize> = Vec::new();
    for start in 0..tasks.len() {
        visit(start, &edges, &mut state, &mut stack, &mut |cycle: &[usize]| {
            let mut names: Vec<String> = cycle.iter().map(|&i| ids[i].unwrap_or("?").to_string()).collect();
            if names.len() < 2 {
                return; // self-dependencies have their own diagnostic
            }
            names.push(names[0].clone());
            let (first, next) = (cycle[0], cycle[1]);
            let next_id = ids[next].unwrap_or_default();
            let loc =
                tasks[first].after.iter().flatten().find(|d| d.value == next_id).map_or(tasks[first].loc, |d| d.loc);
            r.in_index(first, |r| {
                r.in_key("after", |r| r.error(loc, DiagnosticKind::DependencyCycle { cycle: names }))
            });
        });
    }
}

fn visit(
    node: usize,
    edges: &[Vec<usize>],
    state: &mut [u8],
    stack: &mut Vec<usize>,
    report: &mut dyn FnMut(&[usize]),
) {
    if state[node] != 0 {
        return;
    }
    state[node] = 1;
    stack.push(node);
    for &next in &edges[node] {
        if state[next] == 1 {
            let from = stack.iter().position(|&n| n == next).unwrap_or(0);
            // Name the cycle from its earliest-written task, so the message is stable.
            let mut cycle: Vec<usize> = stack[from..].to_vec();
            let min = cycle.iter().enumerate().min_by_key(|(_, n)| **n).map_or(0, |(i, _)| i);
            cycle.rotate_left(min);
            report(&cycle);
        } else {
            visit(next, edges, state, stack, report);
        }
    }
    stack.pop();
    state[node] = 2;
}

fn first_working_day_offset(raw: &RawCampaign) -> Option<(String, Loc)> {
    let is_wd = |text: &Located<Scalar>| {
        let unit = match parse_time_expr(&text.value.0) {
            Ok(expr) => expr.offset.map(|o| o.unit),
            Err(_) => parse_offset(&text.value.0.split_whitespace().collect::<String>()).ok().map(|o| o.unit),
        };
        unit == Some(OffsetUnit::WorkingDays)
    };
    let mut found: Vec<(String, &Located<Scalar>)> = Vec::new();
    if let Some(rec) = &raw.recurrence {
        found.extend(rec.opens.iter().map(|o| ("recurrence.opens".to_string(), o)));
        found.extend(rec.closes.iter().map(|o| ("recurrence.closes".to_string(), o)));
    }
    if let Some(defaults) = &raw.defaults {
        found.extend(
            defaults.reminders.iter().flatten().enumerate().map(|(i, o)| (format!("defaults.reminders[{i}]"), o)),
        );
        escalation_offsets("defaults.escalate", &defaults.escalate, &mut found);
    }
    for (t, task) in raw.tasks.iter().flat_map(|t| t.value.iter()).enumerate() {
        found.extend(task.starts.iter().map(|o| (format!("tasks[{t}].starts"), o)));
        found.extend(task.due.iter().map(|o| (format!("tasks[{t}].due"), o)));
        found.extend(
            task.reminders.iter().flatten().enumerate().map(|(i, o)| (format!("tasks[{t}].reminders[{i}]"), o)),
        );
        escalation_offsets(&format!("tasks[{t}].escalate"), &task.escalate, &mut found);
    }
    for (i, report) in raw.reports.iter().flatten().enumerate() {
        found.extend(report.at.iter().map(|o| (format!("reports[{i}].at"), o)));
    }
    found.into_iter().find(|(_, text)| is_wd(text)).map(|(field, text)| (field, text.loc))
}

fn escalation_offsets<'a>(
    field: &str,
    setting: &'a Option<RawEscalateSetting>,
    found: &mut Vec<(String, &'a Located<Scalar>)>,
) {
    if let Some(RawEscalateSetting::Rules(rules)) = setting {
        found.extend(rules.after.iter().map(|a| (format!("{field}.after"), a)));
        found.extend(rules.every.iter().map(|a| (format!("{field}.every"), a)));
    }
}

/// Checks the order of opening, starts, due times and closing wherever it is the same in every run:
/// for day anchors and offsets in days, weeks and hours. Working-day offsets and cron anchors depend
/// on the run, and the planner checks those run by run.
fn check_time_order(r: &mut Reader, campaign: &Campaign) {
    if !campaign.recurrence.anchor.is_day() {
        return;
    }
    let rec = &campaign.recurrence;
    let run_independent = |o: &Offset| !uses_working_days(o);
    if !rec.opens.as_ref().is_none_or(|o| run_independent(&o.value)) || !run_independent(&rec.closes.value) {
        return;
    }
    // Any day will do: with no working-day offsets the order does not depend on the date.
    let empty = WorkdayCalendar::default();
    let Some(day) = NaiveDate::from_ymd_opt(2001, 1, 1) else { return };
    let Ok(run) = frame(campaign, day.and_time(NaiveTime::MIN), true, &empty) else { return };
    let show = |t: chrono::NaiveDateTime| describe_relative(t, day);
    if run.open > run.close {
        let loc = rec.closes.loc;
        r.in_key("recurrence", |r| {
            r.in_key("closes", |r| {
                r.error(loc, DiagnosticKind::OpensAfterCloses { opens: show(run.open), closes: show(run.close) })
            })
        });
        return;
    }
    for (i, task) in campaign.tasks.iter().enumerate() {
        let independent = |e: &TimeExpr| e.offset.is_none_or(|o| o.unit != OffsetUnit::WorkingDays);
        if !independent(&task.due.value) || !task.starts.as_ref().is_none_or(|s| independent(&s.value)) {
            continue;
        }
        let Ok(due) = resolve(campaign, &run, task.due.value, Landing::Due, &empty) else { continue };
        let starts = match &task.starts {
            Some(s) => match resolve(campaign, &run, s.value, Landing::Start, &empty) {
                Ok(t) => Some((t, s.loc)),
                Err(_) => continue,
            },
            None => None,
        };
        r.in_key("tasks", |r| {
            r.in_index(i, |r| {
                let start = starts.map_or(run.open, |(t, _)| t);
                if let Some((s, loc)) = starts
                    && s < run.open
                {
                    r.in_key("starts", |r| {
                        r.error(loc, DiagnosticKind::StartBeforeOpen { starts: show(s), opens: show(run.open) })
                    });
                }
                if due < start && starts.is_none() {
                    r.in_key("due", |r| {
                        r.error(task.due.loc, DiagnosticKind::DueBeforeOpen { due: show(due), opens: show(run.open) })
                    });
                } else if due < start {
                    r.in_key("due", |r| {
                        r.error(task.due.loc, DiagnosticKind::DueBeforeStart { due: show(due), starts: show(start) })
                    });
                } else if due > run.close {
                    r.in_key("due", |r| {
                        r.error(task.due.loc, DiagnosticKind::DueAfterClose { due: show(due), closes: show(run.close) })
                    });
                }
            })
        });
    }
}

/// `anchor-18d 17:30` — a time shown relative to the anchor day, since it holds for every run.
fn describe_relative(t: chrono::NaiveDateTime, anchor: NaiveDate) -> String {
    let days = (t.date() - anchor).num_days();
    let sign = if days < 0 { "-" } else { "+" };
    format!("anchor{sign}{}d {}", days.abs(), t.format("%H:%M"))
}
