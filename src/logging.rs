//! Logging to a daily file in the `logs` folder next to the database.
//!
//! Lines carry JST timestamps and record IDs only — never names, kana or birth dates (DOMAIN.md §5).
//! Files are named by the **JST** date (`kofu.2027-01-01.log`) and roll at 00:00 JST, whatever the
//! machine's time zone: the day comes from the program's [`Clock`], not from `tracing-appender`'s
//! own roller (which rolls on UTC days, at 09:00 in Japan). Nothing is written to the terminal, so
//! the TUI is never disturbed.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::FormatTime;

use crate::clock::Clock;

/// How many daily files are kept (older ones are removed when a new day starts).
pub const KEEP_FILES: usize = 60;

struct JstTimer(Clock);

impl FormatTime for JstTimer {
    fn format_time(&self, w: &mut Writer<'_>) -> std::fmt::Result {
        write!(w, "{}", self.0.now().format("%Y-%m-%dT%H:%M:%S%.3f%:z"))
    }
}

/// The log file of a JST day: `dir/kofu.YYYY-MM-DD.log`.
pub fn file_for(dir: &Path, day: NaiveDate) -> PathBuf {
    dir.join(format!("kofu.{}.log", day.format("%Y-%m-%d")))
}

/// A writer that appends to the file of the current JST day, switching files at 00:00 JST.
pub struct JstDailyFile {
    dir: PathBuf,
    clock: Clock,
    open: Option<(NaiveDate, File)>,
}

impl JstDailyFile {
    pub fn new(dir: &Path, clock: Clock) -> JstDailyFile {
        JstDailyFile {
            dir: dir.to_path_buf(),
            clock,
            open: None,
        }
    }

    fn file(&mut self) -> std::io::Result<&mut File> {
        let today = self.clock.today();
        if self.open.as_ref().is_none_or(|(day, _)| *day != today) {
            let mut opts = OpenOptions::new();
            opts.create(true).append(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let f = opts.open(file_for(&self.dir, today))?;
            self.open = Some((today, f));
            prune(&self.dir, KEEP_FILES);
        }
        match &mut self.open {
            Some((_, f)) => Ok(f),
            None => Err(std::io::Error::other("log file not open")),
        }
    }
}

impl Write for JstDailyFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file()?.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.open {
            Some((_, f)) => f.flush(),
            None => Ok(()),
        }
    }
}

/// Remove all but the newest `keep` daily files (`kofu.YYYY-MM-DD.log`) in `dir`.
fn prune(dir: &Path, keep: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut days: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_prefix("kofu.")?.strip_suffix(".log"))
                .is_some_and(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok())
        })
        .collect();
    // The date is in the name, so name order is day order.
    days.sort();
    let excess = days.len().saturating_sub(keep);
    for old in &days[..excess] {
        let _ = std::fs::remove_file(old);
    }
}

/// Start file logging under `dir` (created owner-only). Keep the guard alive until exit.
/// Level from `KOFU_LOG` (default `info`). Failure to log is not fatal: returns None.
pub fn init(dir: &Path, clock: &Clock) -> Option<WorkerGuard> {
    std::fs::create_dir_all(dir).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    let (writer, guard) = tracing_appender::non_blocking(JstDailyFile::new(dir, clock.clone()));
    let filter = tracing_subscriber::EnvFilter::try_from_env("KOFU_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ok = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_timer(JstTimer(clock.clone()))
        .with_ansi(false)
        .with_writer(writer)
        .try_init()
        .is_ok();
    if ok && clock.is_fixed() {
        tracing::warn!(
            "clock fixed by {} at {}",
            crate::clock::NOW_ENV,
            clock.stamp()
        );
    }
    ok.then_some(guard)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    #[test]
    fn files_are_named_by_the_jst_day_and_roll_at_jst_midnight() {
        let dir = tempfile::tempdir().expect("tempdir");
        // 00:30 JST on 2027-01-01 is still 2026-12-31 in UTC.
        let clock = Clock::at_jst("2027-01-01 00:30:00");
        let mut w = JstDailyFile::new(dir.path(), clock.clone());
        writeln!(w, "a").expect("write");
        let jan1 = NaiveDate::from_ymd_opt(2027, 1, 1).expect("date");
        assert!(file_for(dir.path(), jan1).exists());
        // 23:59:59 JST: same file; one second later: the next day's.
        clock.set(
            chrono::DateTime::parse_from_rfc3339("2027-01-01T23:59:59+09:00").expect("literal"),
        );
        writeln!(w, "b").expect("write");
        clock.advance(TimeDelta::seconds(1));
        writeln!(w, "c").expect("write");
        w.flush().expect("flush");
        let day1 = std::fs::read_to_string(file_for(dir.path(), jan1)).expect("read");
        assert_eq!(day1, "a\nb\n");
        let jan2 = jan1.succ_opt().expect("date");
        let day2 = std::fs::read_to_string(file_for(dir.path(), jan2)).expect("read");
        assert_eq!(day2, "c\n");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.iter().any(|n| n.contains("2026-12-31")), "{names:?}");
    }

    #[test]
    fn only_the_newest_files_are_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let clock = Clock::at_jst("2027-01-01 12:00:00");
        let mut w = JstDailyFile::new(dir.path(), clock.clone());
        for _ in 0..(KEEP_FILES + 5) {
            writeln!(w, "x").expect("write");
            clock.advance(TimeDelta::days(1));
        }
        std::fs::write(dir.path().join("notes.txt"), "kept").expect("write");
        writeln!(w, "x").expect("write");
        let mut logs: Vec<String> = std::fs::read_dir(dir.path())
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".log"))
            .collect();
        logs.sort();
        assert_eq!(logs.len(), KEEP_FILES);
        assert_eq!(logs.last().map(String::as_str), Some("kofu.2027-03-07.log"));
        assert!(dir.path().join("notes.txt").exists());
    }
}
