//! Logging to a daily file in the `logs` folder next to the database.
//!
//! Lines carry JST timestamps and record IDs only — never names, kana or birth dates (DOMAIN.md §5).
//! Nothing is written to the terminal, so the TUI is never disturbed.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::FormatTime;

struct JstTimer;

impl FormatTime for JstTimer {
    fn format_time(&self, w: &mut Writer<'_>) -> std::fmt::Result {
        write!(
            w,
            "{}",
            crate::domain::date::now_jst().format("%Y-%m-%dT%H:%M:%S%.3f%:z")
        )
    }
}

/// Start file logging under `dir` (created owner-only). Keep the guard alive until exit.
/// Level from `KOFU_LOG` (default `info`). Failure to log is not fatal: returns None.
pub fn init(dir: &Path) -> Option<WorkerGuard> {
    std::fs::create_dir_all(dir).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("kofu")
        .filename_suffix("log")
        .max_log_files(60)
        .build(dir)
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = tracing_subscriber::EnvFilter::try_from_env("KOFU_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ok = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_timer(JstTimer)
        .with_ansi(false)
        .with_writer(writer)
        .try_init()
        .is_ok();
    ok.then_some(guard)
}
