//! Writes the sample charts as SVG files to look at (then e.g. `rsvg-convert -w 390 x.svg -o
//! x.png`): `cargo run -p charts --example preview -- DIR` (default `target/charts-preview`).

#[path = "../tests/samples/mod.rs"]
mod samples;

use std::path::PathBuf;

use charts::{Locale, Options};

fn main() -> std::io::Result<()> {
    let dir = std::env::args().nth(1).map_or_else(|| PathBuf::from("target/charts-preview"), PathBuf::from);
    std::fs::create_dir_all(&dir)?;
    let zh = Options::new(Locale::ZhCn);
    let en = Options::new(Locale::En);
    let (hostile_completion, hostile_burn_up, hostile_figures) = samples::hostile();
    let charts = [
        ("completion-zh", samples::streets_zh().render(&zh)),
        ("completion-en", samples::streets_en().render(&en)),
        ("completion-wide-zh", samples::streets_zh().render(&zh.clone().with_width(800))),
        ("communities-zh", samples::communities_zh().render(&zh)),
        ("sixty-zh", samples::sixty_zh().render(&zh)),
        ("burn-up-zh", samples::burn_up_zh().render(&zh)),
        ("burn-up-en", samples::burn_up_en().render(&en)),
        ("burn-up-wide-zh", samples::burn_up_zh().render(&zh.clone().with_width(800))),
        ("figures-zh", samples::figures_zh().render(&zh)),
        ("figures-en", samples::figures_en().render(&en)),
        ("empty-zh", charts::CompletionChart { title: "各街道完成率".into(), bars: vec![] }.render(&zh)),
        ("hostile-completion", hostile_completion.render(&en)),
        ("hostile-burn-up", hostile_burn_up.render(&en)),
        ("hostile-figures", hostile_figures.render(&en)),
    ];
    // Edge cases: one day, all done, today on the due date, a lone figure, huge numbers.
    let mut one_day = samples::burn_up_zh();
    one_day.points.truncate(1);
    one_day.today = Some(one_day.start);
    let mut all_done = samples::burn_up_en();
    for p in &mut all_done.points {
        p.done = p.done * 252 / 171;
    }
    all_done.today = Some(samples::day(2027, 2, 5));
    let mut crowded = samples::burn_up_zh();
    crowded.markers.push(charts::DateMarker { date: samples::day(2027, 1, 28), label: "第一次督查".into() });
    crowded.markers.push(charts::DateMarker { date: samples::day(2027, 1, 29), label: "第二次督查".into() });
    let mut huge = samples::burn_up_en();
    for p in &mut huge.points {
        p.done *= 1_000_000;
        p.total *= 1_000_000;
    }
    let lone = charts::FigureChart {
        title: "清明 · 上报数据".into(),
        figures: vec![charts::Figure::new("文明祭扫宣传", 1_234_567.89, "人次")],
    };
    let edges = [
        ("edge-burn-up-one-day-zh", one_day.render(&zh)),
        ("edge-burn-up-all-done-en", all_done.render(&en)),
        ("edge-burn-up-crowded-zh", crowded.render(&zh)),
        ("edge-burn-up-huge-en", huge.render(&en)),
        ("edge-figures-lone-zh", lone.render(&zh)),
    ];
    for (name, svg) in charts.into_iter().chain(edges) {
        std::fs::write(dir.join(format!("{name}.svg")), svg)?;
    }
    println!("{}", dir.display());
    Ok(())
}
