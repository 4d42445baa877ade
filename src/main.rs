fn main() -> std::process::ExitCode {
    kofu::cli::main()
}
