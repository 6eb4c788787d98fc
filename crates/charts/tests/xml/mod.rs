//! The XML check of the tests: a chart parses as XML and holds nothing a browser would run, load
//! or style from outside.

// Each test binary that includes this module uses only part of it.
#![allow(dead_code)]

use roxmltree::Document;

/// The elements a chart may contain.
const ELEMENTS: &[&str] =
    &["svg", "title", "desc", "g", "rect", "text", "tspan", "line", "polyline", "polygon", "circle"];

/// Attributes whose values are numbers or number lists, which must never say `NaN` or `inf`.
const NUMERIC: &[&str] = &["x", "y", "x1", "y1", "x2", "y2", "width", "height", "cx", "cy", "r", "points", "viewBox"];

/// `Ok` when `svg` is one well-formed `<svg>` document in the SVG namespace with `role="img"`, a
/// `<title>` and a `<desc>` first, only known elements, no `style`, event handler or link
/// attribute, and finite numbers.
pub fn check(svg: &str) -> Result<(), String> {
    let doc = Document::parse(svg).map_err(|e| format!("not well-formed XML: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "svg" || root.tag_name().namespace() != Some("http://www.w3.org/2000/svg") {
        return Err(format!("root is {:?}", root.tag_name()));
    }
    if root.attribute("role") != Some("img") || root.attribute("viewBox").is_none() {
        return Err("root lacks role=img or viewBox".into());
    }
    let first: Vec<&str> = root.children().filter(|n| n.is_element()).take(2).map(|n| n.tag_name().name()).collect();
    if first != ["title", "desc"] {
        return Err(format!("first children are {first:?}"));
    }
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        if !ELEMENTS.contains(&name) {
            return Err(format!("element <{name}>"));
        }
        for attr in node.attributes() {
            let key = attr.name().to_ascii_lowercase();
            if key == "style" || key.starts_with("on") || key.contains("href") || attr.namespace().is_some() {
                return Err(format!("attribute {key}={:?} on <{name}>", attr.value()));
            }
            if NUMERIC.contains(&attr.name()) {
                let numbers = attr.value().split([' ', ',']).filter(|s| !s.is_empty());
                for n in numbers {
                    if !n.parse::<f64>().is_ok_and(f64::is_finite) {
                        return Err(format!("{key}={:?} on <{name}>", attr.value()));
                    }
                }
            }
        }
    }
    Ok(())
}

/// The text content of the root's `<title>`, as a parser reads it.
pub fn title(svg: &str) -> Option<String> {
    let doc = Document::parse(svg).ok()?;
    let title = doc.root_element().children().find(|n| n.has_tag_name("title"))?;
    Some(title.text().unwrap_or_default().to_string())
}
