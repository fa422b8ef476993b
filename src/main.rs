//! The `pressroom` command; everything lives in the library (see `pressroom::cli`).
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    pressroom::cli::main()
}
