//! Times, dates, durations and numbers as guiyan's readers read them, in zh-CN or English: the one
//! wording of mails, pages and reports.

use chrono::{DateTime, Datelike, TimeDelta, Timelike, Weekday};
use chrono_tz::Tz;

use crate::model::Locale;

/// A local time with weekday: `2027年2月3日（星期三）17:30`, `Wed 3 Feb 2027, 17:30`.
pub fn format_time(t: &DateTime<Tz>, locale: Locale) -> String {
    match locale {
        Locale::ZhCn => format!(
            "{}年{}月{}日（{}）{:02}:{:02}",
            t.year(),
            t.month(),
            t.day(),
            chinese_weekday(t.weekday()),
            t.hour(),
            t.minute()
        ),
        Locale::En => t.format("%a %-d %b %Y, %H:%M").to_string(),
    }
}

/// A local date: `2027年2月3日`, `3 February 2027`.
pub fn format_date(t: &DateTime<Tz>, locale: Locale) -> String {
    match locale {
        Locale::ZhCn => format!("{}年{}月{}日", t.year(), t.month(), t.day()),
        Locale::En => t.format("%-d %B %Y").to_string(),
    }
}

fn chinese_weekday(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

/// A duration in days, hours and minutes, to the two largest units: `2天3小时`, `2 days 3 hours`.
pub fn format_duration(d: TimeDelta, locale: Locale) -> String {
    let minutes = d.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let parts: Vec<(i64, &str, &str, &str)> =
        vec![(days, "天", "day", "days"), (hours, "小时", "hour", "hours"), (mins, "分钟", "minute", "minutes")];
    let first = parts.iter().position(|p| p.0 > 0);
    let Some(first) = first else {
        return match locale {
            Locale::ZhCn => "不足1分钟".to_string(),
            Locale::En => "less than a minute".to_string(),
        };
    };
    let shown = parts[first..].iter().take(2).filter(|p| p.0 > 0);
    match locale {
        Locale::ZhCn => shown.map(|(n, zh, _, _)| format!("{n}{zh}")).collect(),
        Locale::En => shown
            .map(|(n, _, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// A positive number in Chinese numerals up to 99 (一, 十, 十一, 二十三), Arabic digits above.
pub fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => DIGITS[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { DIGITS[n - 10] }),
        20..=99 => format!("{}十{}", DIGITS[n / 10], if n.is_multiple_of(10) { "" } else { DIGITS[n % 10] }),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::Asia::Shanghai;

    #[test]
    fn chinese_numbers() {
        let got: Vec<String> = [1, 9, 10, 11, 19, 20, 23, 99, 100].into_iter().map(chinese_number).collect();
        assert_eq!(got, ["一", "九", "十", "十一", "十九", "二十", "二十三", "九十九", "100"]);
    }

    #[test]
    fn times_and_durations() {
        let t = Shanghai.with_ymd_and_hms(2027, 2, 3, 17, 30, 0).single().expect("valid time");
        assert_eq!(format_time(&t, Locale::ZhCn), "2027年2月3日（星期三）17:30");
        assert_eq!(format_time(&t, Locale::En), "Wed 3 Feb 2027, 17:30");
        assert_eq!(format_date(&t, Locale::ZhCn), "2027年2月3日");
        assert_eq!(format_date(&t, Locale::En), "3 February 2027");
        let d = TimeDelta::hours(51) + TimeDelta::minutes(5);
        assert_eq!(format_duration(d, Locale::ZhCn), "2天3小时");
        assert_eq!(format_duration(d, Locale::En), "2 days 3 hours");
        assert_eq!(format_duration(TimeDelta::hours(24), Locale::En), "1 day");
        assert_eq!(format_duration(TimeDelta::minutes(61), Locale::ZhCn), "1小时1分钟");
        assert_eq!(format_duration(TimeDelta::seconds(30), Locale::ZhCn), "不足1分钟");
        assert_eq!(format_duration(TimeDelta::days(1) + TimeDelta::minutes(5), Locale::ZhCn), "1天");
    }
}
