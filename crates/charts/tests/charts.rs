//! Snapshots of every chart kind in both languages, hostile text, and the promises every chart
//! keeps (well-formed, inert, deterministic).

mod samples;
mod xml;

use charts::{BurnUpChart, CompletionChart, FigureChart, Locale, Options};

fn zh() -> Options {
    Options::new(Locale::ZhCn)
}

fn en() -> Options {
    Options::new(Locale::En)
}

/// Renders, checks the XML, and hands the SVG to the snapshot.
fn checked(svg: String) -> String {
    if let Err(e) = xml::check(&svg) {
        panic!("{e}\n{svg}");
    }
    svg
}

#[test]
fn completion_zh() {
    insta::assert_snapshot!(checked(samples::streets_zh().render(&zh())));
}

#[test]
fn completion_en() {
    insta::assert_snapshot!(checked(samples::streets_en().render(&en())));
}

#[test]
fn completion_of_communities_without_counts_zh() {
    insta::assert_snapshot!(checked(samples::communities_zh().render(&zh())));
}

#[test]
fn completion_wide_with_ids_zh() {
    insta::assert_snapshot!(checked(samples::streets_zh().render(&zh().with_width(800).with_id("run-2027"))));
}

#[test]
fn burn_up_zh() {
    insta::assert_snapshot!(checked(samples::burn_up_zh().render(&zh())));
}

#[test]
fn burn_up_en() {
    insta::assert_snapshot!(checked(samples::burn_up_en().render(&en())));
}

#[test]
fn figures_zh() {
    insta::assert_snapshot!(checked(samples::figures_zh().render(&zh())));
}

#[test]
fn figures_en() {
    insta::assert_snapshot!(checked(samples::figures_en().render(&en())));
}

#[test]
fn empty_charts_say_no_data() {
    let burn_up = BurnUpChart { points: vec![], ..samples::burn_up_zh() };
    for (name, options) in [("zh", zh()), ("en", en())] {
        let completion = CompletionChart { title: "完成率".into(), bars: vec![] }.render(&options);
        let figures = FigureChart { title: "数据".into(), figures: vec![] }.render(&options);
        insta::assert_snapshot!(format!("empty_completion_{name}"), checked(completion));
        insta::assert_snapshot!(format!("empty_burn_up_{name}"), checked(burn_up.render(&options)));
        insta::assert_snapshot!(format!("empty_figures_{name}"), checked(figures));
    }
}

#[test]
fn hostile_text_comes_out_as_text() {
    let (completion, burn_up, figures) = samples::hostile();
    for svg in [completion.render(&en()), burn_up.render(&zh()), figures.render(&en())] {
        let svg = checked(svg);
        assert!(!svg.contains("<script"), "{svg}");
        assert!(!svg.contains("<svg onload"), "{svg}");
        assert!(!svg.contains("<!--"), "{svg}");
        assert!(!svg.contains('\u{0}') && !svg.contains('\u{1B}'), "{svg}");
        // Parsed back, the title is the caller's text, character for character: it was data.
        let title = xml::title(&svg).unwrap_or_default();
        assert!(title.starts_with(r#"<script>alert("x")</script> & <svg onload=alert(1)> ]]> <!-- "'"#), "{title}");
    }
    insta::assert_snapshot!("hostile_completion", checked(completion.render(&en())));
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let a = samples::burn_up_zh().render(&zh());
    let b = samples::burn_up_zh().clone().render(&zh());
    assert_eq!(a, b);
    assert_eq!(samples::sixty_zh().render(&zh()), samples::sixty_zh().render(&zh()));
}

#[test]
fn sixty_units_fit_and_say_every_name() {
    let svg = checked(samples::sixty_zh().render(&zh()));
    let doc = roxmltree::Document::parse(&svg).expect("parses");
    let desc = doc.descendants().find(|n| n.has_tag_name("desc")).and_then(|n| n.text()).unwrap_or_default();
    for i in 1..=60 {
        assert!(desc.contains(&format!("第{i}社区居委会 ")), "unit {i} missing from {desc}");
    }
}

#[test]
fn no_style_attribute_and_the_chinese_font_stack() {
    for svg in
        [samples::streets_zh().render(&zh()), samples::burn_up_en().render(&en()), samples::figures_zh().render(&zh())]
    {
        assert!(!svg.contains("style="));
        assert!(svg.contains(
            r#"font-family="&quot;PingFang SC&quot;,&quot;Microsoft YaHei&quot;,&quot;Noto Sans CJK SC&quot;,&quot;WenQuanYi Micro Hei&quot;,sans-serif""#
        ));
    }
}
