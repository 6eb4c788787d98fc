//! Prints the benches' generated 排查统计表 as CSV for scripts that import it with `guiyan registry
//! import` (`scripts/bench-registry`): `bench-persons COUNT [FIRST [STREETS COMMUNITIES]]`, persons
//! `FIRST..FIRST+COUNT`; with STREETS and COMMUNITIES, a 社区 column spreads them over the
//! communities of `bench-directory STREETS COMMUNITIES`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize, default: Option<usize>| -> usize {
        match (args.get(i), default) {
            (Some(a), _) => a.parse().unwrap_or_else(|_| usage(&format!("`{a}` is not a count"))),
            (None, Some(d)) => d,
            (None, None) => usage("the count is missing"),
        }
    };
    let count = number(0, None);
    let first = number(1, Some(0));
    let units = match args.len() {
        0..=2 => Vec::new(),
        4 => bench_support::community_ids(number(2, None), number(3, None)),
        _ => usage("give both STREETS and COMMUNITIES, or neither"),
    };
    print!("{}", bench_support::persons_csv(first, count, &units));
}

fn usage(problem: &str) -> ! {
    eprintln!("bench-persons: {problem}; usage: bench-persons COUNT [FIRST [STREETS COMMUNITIES]]");
    std::process::exit(2)
}
