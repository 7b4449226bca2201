//! `tandem` binary: all the work is in the library so tests can drive it.

fn main() -> std::process::ExitCode {
    tandem::cli::main()
}
