//! Sample charts in both languages, shared by the snapshot tests and `examples/preview.rs` (which
//! writes them out to be looked at).

// The tests and the preview example each use only part of it.
#![allow(dead_code)]

use charts::{BurnUpChart, BurnUpPoint, CompletionChart, DateMarker, Figure, FigureChart, Mark, UnitBar};
use chrono::NaiveDate;

pub fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

/// Twenty street offices, one with a long name, in the ranking order a 情况通报 uses.
pub fn streets_zh() -> CompletionChart {
    let mut bars = Vec::new();
    let percents = [
        100.0, 100.0, 96.0, 92.5, 88.0, 85.0, 81.0, 80.0, 75.0, 72.0, 66.6, 60.0, 58.0, 50.0, 45.0, 40.0, 33.0, 20.0,
        0.4,
    ];
    for (i, p) in percents.iter().enumerate() {
        let total: u32 = 24;
        let done = (p / 100.0 * f64::from(total)).floor() as u64;
        let mark = if *p >= 80.0 {
            Mark::OnTrack
        } else if *p >= 50.0 {
            Mark::AtRisk
        } else {
            Mark::Behind
        };
        let name = if i == 5 {
            "经济技术开发区管理委员会社会事务局".to_string()
        } else {
            format!("第{}街道办事处", i + 1)
        };
        bars.push(UnitBar::new(name, *p, mark).counts(done, u64::from(total)));
    }
    bars.push(UnitBar::new("新区筹备组", 0.0, Mark::NoTasks));
    CompletionChart { title: "春节走访慰问 · 各街道完成率".to_string(), bars }
}

pub fn streets_en() -> CompletionChart {
    let zh = streets_zh();
    let bars = zh
        .bars
        .into_iter()
        .enumerate()
        .map(|(i, bar)| {
            let name = match i {
                5 => "Economic Development Zone Social Affairs Bureau".to_string(),
                20 => "New District Preparatory Office".to_string(),
                _ => format!("Street Office {}", i + 1),
            };
            UnitBar { name, ..bar }
        })
        .collect();
    CompletionChart { title: "Spring Festival visits · completion by street".to_string(), bars }
}

/// The communities of one street: names of 5–9 characters, no counts.
pub fn communities_zh() -> CompletionChart {
    let names = ["解放路第一社区", "解放路第二社区", "和平里社区", "新华东路社区", "滨江花园社区", "铁路新村社区"];
    let percents = [100.0, 83.3, 66.7, 50.0, 16.7, 0.0];
    let marks = [Mark::OnTrack, Mark::OnTrack, Mark::AtRisk, Mark::AtRisk, Mark::Behind, Mark::Behind];
    let bars = names.iter().zip(percents).zip(marks).map(|((n, p), m)| UnitBar::new(*n, p, m)).collect();
    CompletionChart { title: "解放路街道 各社区完成率".to_string(), bars }
}

/// Sixty units: the most a chart is expected to hold.
pub fn sixty_zh() -> CompletionChart {
    let bars = (1..=60u32)
        .map(|i| {
            let done = (i * 37) % 26;
            let p = f64::from(done) * 4.0;
            let mark = if p >= 80.0 {
                Mark::OnTrack
            } else if p >= 50.0 {
                Mark::AtRisk
            } else {
                Mark::Behind
            };
            UnitBar::new(format!("第{i}社区居委会"), p, mark).counts(u64::from(done), 25)
        })
        .collect();
    CompletionChart { title: "全区各社区完成率".to_string(), bars }
}

pub fn burn_up(title: &str, due: &str) -> BurnUpChart {
    // A Spring Festival run: opens 10 January, due 5 February (the day before 除夕), closes
    // 15 February; today is 28 January.
    let start = day(2027, 1, 10);
    let done = [0, 4, 10, 18, 25, 31, 40, 52, 61, 75, 88, 96, 110, 118, 131, 140, 152, 160, 171];
    let points = done
        .iter()
        .enumerate()
        .map(|(i, d)| BurnUpPoint {
            date: start + chrono::TimeDelta::days(i as i64),
            done: *d,
            total: if i < 6 { 240 } else { 252 },
        })
        .collect();
    BurnUpChart {
        title: title.to_string(),
        start,
        end: day(2027, 2, 15),
        points,
        today: Some(day(2027, 1, 28)),
        markers: vec![DateMarker { date: day(2027, 2, 5), label: due.to_string() }],
    }
}

pub fn burn_up_zh() -> BurnUpChart {
    burn_up("春节走访慰问 · 全区进度", "截止")
}

pub fn burn_up_en() -> BurnUpChart {
    burn_up("Spring Festival visits · progress", "Due")
}

pub fn figures_zh() -> FigureChart {
    FigureChart {
        title: "春节走访慰问 · 上报数据合计".to_string(),
        figures: vec![
            Figure::new("走访返乡人员", 1342.0, "人"),
            Figure::new("慰问困难群众", 230.0, "人"),
            Figure::new("慰问老党员", 86.0, "人"),
            Figure::new("悬挂宣传横幅", 126.0, "条"),
            Figure::new("发放慰问金", 45.6, "万元"),
            Figure::new("发放慰问品", 312.0, "份"),
            Figure::new("开展安全检查", 58.0, "次"),
            Figure::new("排查安全隐患", 17.0, "次"),
        ],
    }
}

pub fn figures_en() -> FigureChart {
    FigureChart {
        title: "Spring Festival visits · reported totals".to_string(),
        figures: vec![
            Figure::new("Returnees visited", 1342.0, "people"),
            Figure::new("Families in need visited", 230.0, "people"),
            Figure::new("Veteran members visited", 86.0, "people"),
            Figure::new("Banners hung", 126.0, "banners"),
            Figure::new("Allowances paid", 456_000.0, "yuan"),
            Figure::new("Gift packs handed out", 312.0, "packs"),
            Figure::new("Safety inspections", 58.0, "inspections"),
            Figure::new("Hazards found", 17.0, "inspections"),
        ],
    }
}

/// Names and labels that try to break out of the markup.
pub fn hostile() -> (CompletionChart, BurnUpChart, FigureChart) {
    let evil = r#"<script>alert("x")</script> & <svg onload=alert(1)> ]]> <!-- "'"#;
    let completion = CompletionChart {
        title: format!("{evil} title"),
        bars: vec![
            UnitBar::new(evil, 50.0, Mark::Behind),
            UnitBar::new("a\u{0}b\u{1B}c\u{FFFF}", 20.0, Mark::AtRisk),
            UnitBar::new("第1街道 & 第2街道", 100.0, Mark::OnTrack),
        ],
    };
    let mut burn_up = burn_up(evil, evil);
    burn_up.title = evil.to_string();
    let figures = FigureChart {
        title: evil.to_string(),
        figures: vec![Figure::new(evil, 3.0, evil), Figure::new("x", 4.0, evil)],
    };
    (completion, burn_up, figures)
}
