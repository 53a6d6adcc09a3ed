//! The `pricebench` binary: parse the command line, run it, report the error.
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = pricebench::cli::Cli::parse();
    match pricebench::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if pricebench::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", pricebench::error_message(&err));
            ExitCode::FAILURE
        }
    }
}
