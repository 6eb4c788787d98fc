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
    for (name, svg) in charts {
        std::fs::write(dir.join(format!("{name}.svg")), svg)?;
    }
    println!("{}", dir.display());
    Ok(())
}
