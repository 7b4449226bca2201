//! `tandem` binary: all the work is in the library so tests can drive it.

/// Large blocks on huge pages (see `huge_pages.rs`).
#[global_allocator]
static ALLOCATOR: tandem::huge_pages::HugePages = tandem::huge_pages::HugePages;

fn main() -> std::process::ExitCode {
    tandem::cli::main()
}
