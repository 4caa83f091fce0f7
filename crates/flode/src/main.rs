//! The `flode` command: one binary for the server, migrations, headless model tools and
//! benefit calculations.

mod accounts;
mod citizens;
mod cli;
mod demo;
mod legacy;
mod processes;
mod robot;
mod serve;
mod settings;
mod tools;
mod workers;

use clap::Parser;

/// mimalloc instead of glibc's allocator: a page request allocates often on several
/// threads at once, where glibc's arenas spent a sixth of the server's CPU (measured with
/// `bench/casework.sh`, docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::dispatch(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
