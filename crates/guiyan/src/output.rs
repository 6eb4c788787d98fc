//! Writing to stdout and stderr without panicking when the reader goes away (`guiyan plan | head`).

use std::io::Write;

/// Like `println!`, but a closed pipe ends the program quietly, as Unix tools do.
macro_rules! outln {
    ($($arg:tt)*) => { $crate::output::write_out(&format!($($arg)*)) };
}

/// Like `eprintln!`, ignoring failures (there is nowhere left to report them).
macro_rules! errln {
    ($($arg:tt)*) => { $crate::output::write_err(&format!($($arg)*)) };
}

pub(crate) use {errln, outln};

pub fn write_out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = writeln!(stdout, "{text}").and_then(|()| stdout.flush())
        && err.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

pub fn write_err(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}
