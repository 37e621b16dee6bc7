//! The `grader` command; everything lives in the library.

fn main() -> std::process::ExitCode {
    grader::cli::main()
}
