//! How reports write numbers, shares and dates, in Chinese and English: one place, so a total reads
//! the same in the mail, the document and the ledger.

use campaign::Lang;
use chrono::{DateTime, Datelike, Timelike};
use chrono_tz::Tz;

/// A figure as written: integers without decimals, others with at most two, no trailing zeros.
pub fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A signed change ("+12", "-3", "0").
pub fn change(value: f64) -> String {
    if value > 0.0 { format!("+{}", number(value)) } else { number(value) }
}

/// A share as a percentage with one decimal ("87.5%").
pub fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

fn local(at: i64, tz: Tz) -> DateTime<Tz> {
    DateTime::from_timestamp(at, 0).unwrap_or_default().with_timezone(&tz)
}

/// A day: "2月3日" / "3 Feb".
pub fn day(at: i64, tz: Tz, lang: Lang) -> String {
    let t = local(at, tz);
    match lang {
        Lang::Zh => format!("{}月{}日", t.month(), t.day()),
        Lang::En => t.format("%-d %b").to_string(),
    }
}

/// A day with its year: "2027年2月3日" / "3 Feb 2027".
pub fn full_day(at: i64, tz: Tz, lang: Lang) -> String {
    let t = local(at, tz);
    match lang {
        Lang::Zh => format!("{}年{}月{}日", t.year(), t.month(), t.day()),
        Lang::En => t.format("%-d %b %Y").to_string(),
    }
}

/// A time of day: "09:00".
pub fn clock(at: i64, tz: Tz) -> String {
    let t = local(at, tz);
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// A day and time: "2月3日 17:30" / "3 Feb 17:30".
pub fn day_time(at: i64, tz: Tz, lang: Lang) -> String {
    let t = local(at, tz);
    format!("{} {:02}:{:02}", day(at, tz, lang), t.hour(), t.minute())
}

/// A local wall-clock time as a ledger cell.
pub fn cell_time(at: i64, tz: Tz) -> documents::Cell {
    let t = local(at, tz);
    documents::Cell::DateTime(documents::DateTime {
        year: t.year(),
        month: t.month() as u8,
        day: t.day() as u8,
        hour: t.hour() as u8,
        minute: t.minute() as u8,
    })
}

/// The word for a unit of a directory level, as a count reads it ("3个社区" / "3 communities").
/// Levels are ids of the directory; the usual ones have their word, others read as "单位"/"units".
pub fn level_word(level: &str, lang: Lang) -> &'static str {
    match (level, lang) {
        ("province", Lang::Zh) => "省",
        ("city", Lang::Zh) => "市",
        ("district" | "county", Lang::Zh) => "区县",
        ("street", Lang::Zh) => "街道",
        ("town", Lang::Zh) => "镇",
        ("community", Lang::Zh) => "社区",
        ("village", Lang::Zh) => "村",
        (_, Lang::Zh) => "单位",
        ("street", Lang::En) => "streets",
        ("community", Lang::En) => "communities",
        ("town", Lang::En) => "towns",
        ("village", Lang::En) => "villages",
        (_, Lang::En) => "units",
    }
}

/// Picks the text of `lang`.
pub fn pick<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// The ordinal lead of the n-th (from 0) section: "一、", "二、" … / "1. ".
pub fn section_number(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}、", chinese_numeral(n + 1)),
        Lang::En => format!("{}. ", n + 1),
    }
}

/// The lead of the n-th (from 0) point: "一是", "二是" … / "First, ".
pub fn point_lead(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}是", chinese_numeral(n + 1)),
        Lang::En => {
            const ORDINALS: [&str; 10] =
                ["First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth"];
            format!("{}, ", ORDINALS.get(n).copied().unwrap_or("Further"))
        }
    }
}

/// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (larger numbers as digits).
pub fn chinese_numeral(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { DIGITS[n - 10] }),
        20..=99 => format!("{}十{}", DIGITS[n / 10], if n.is_multiple_of(10) { "" } else { DIGITS[n % 10] }),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_written() {
        assert_eq!(number(42.0), "42");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(1.0 / 3.0), "0.33");
        assert_eq!(change(3.0), "+3");
        assert_eq!(change(-2.0), "-2");
        assert_eq!(percent(0.875), "87.5%");
    }

    #[test]
    fn chinese_numerals_up_to_ninety_nine() {
        let got: Vec<String> = [1, 4, 10, 11, 20, 21, 99, 100].into_iter().map(chinese_numeral).collect();
        assert_eq!(got, ["一", "四", "十", "十一", "二十", "二十一", "九十九", "100"]);
        assert_eq!(section_number(1, Lang::Zh), "二、");
        assert_eq!(point_lead(2, Lang::Zh), "三是");
    }

    #[test]
    fn days_in_the_run_time_zone() {
        let tz: Tz = "Asia/Shanghai".parse().unwrap_or(Tz::UTC);
        // 2027-02-01T16:00Z is 2 Feb 00:00 in Shanghai.
        assert_eq!(day(1_801_497_600, tz, Lang::Zh), "2月2日");
        assert_eq!(full_day(1_801_497_600, tz, Lang::Zh), "2027年2月2日");
    }
}
