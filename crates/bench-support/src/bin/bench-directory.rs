//! Prints the benches' generated unit directory (`units.yaml`) for scripts that need it as a file
//! (`scripts/bench-web`): `bench-directory [STREETS COMMUNITIES_PER_STREET]`, by default the
//! 500 streets of 20 communities the store and planner benches use.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count = |i: usize, default: usize| -> usize {
        match args.get(i) {
            None => default,
            Some(a) => a.parse().unwrap_or_else(|_| {
                eprintln!(
                    "bench-directory: `{a}` is not a count; usage: bench-directory [STREETS COMMUNITIES_PER_STREET]"
                );
                std::process::exit(2)
            }),
        }
    };
    print!("{}", bench_support::directory_yaml(count(0, 500), count(1, 20)));
}
