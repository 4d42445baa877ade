//! A private pcscd for tests: only a vpcd reader, moved to port 35990 (slots 35990/35991).
//!
//! One pcscd can run per machine, so every test using it first takes [`exclusive()`]
//! (a process-wide lock, and on Unix a machine-wide flock) and starts/stops the daemon on its own
//! thread. The daemon gets
//! `PR_SET_PDEATHSIG`, so a killed test run does not leave it behind. If the daemon cannot be
//! started the test fails with a clear message (it is never skipped silently).
//!
//! # Under Wine (the Windows stage)
//!
//! The test is then a Windows exe, but pcscd still runs on the Linux host: Wine 10's winscard
//! reaches it through libpcsclite, so the card tests go through winscard → pcscd → vpcd → the
//! emulated card. The helper starts and stops the daemon itself (the tests restart it), through
//! [`host`]: Wine runs a non-PE file handed to `CreateProcess` as a Unix program, so host
//! commands go to `/bin/sh` named by its `Z:` path (Wine maps `Z:` to `/`), and host files
//! (`/proc`, `/etc/reader.conf.d`, the config dir under `/tmp`) are read through `Z:`. Such a
//! child has no Windows process handle, so it cannot be waited for or signalled from Windows:
//! [`host::sh`] waits for a marker file its script writes, the daemon is found by its command
//! line in `/proc` and stopped with `kill -TERM`. There is no `PR_SET_PDEATHSIG` there: the
//! Windows stage (`.ci/windows-test.sh`) stops a daemon of ours that a killed run left behind,
//! as does [`clear_stale`] at the next start.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
#[cfg(unix)]
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Port of the first emulated slot ("Virtual PCD 00 00"); the second slot is `PORT + 1`.
pub const PORT: u16 = 0x8C96; // 35990
/// Reader names pcscd gives the two vpcd slots.
pub const READER_0: &str = "Virtual PCD 00 00";
pub const READER_1: &str = "Virtual PCD 00 01";

const RUN_DIR: &str = "/run/pcscd";
const CONF_PREFIX: &str = "kofu-pcscd-";

static LOCK: Mutex<()> = Mutex::new(());

/// Held by a test for as long as it uses pcscd.
pub struct Exclusive {
    _guard: MutexGuard<'static, ()>,
    /// The machine-wide lock file, flock'ed (Unix): several test processes (two worktrees, or
    /// `cargo test` running two card test binaries) must not share the one daemon.
    #[cfg(unix)]
    _machine: Option<fs::File>,
}

/// Take the process-wide pcscd lock (tolerates a poisoned lock from a failed test), then the
/// machine-wide one (Unix; waits for another process's card test to finish). Under Wine only the
/// process-wide lock is taken: Wine's file locks do not meet Linux flock, and the Windows stage
/// runs its test exes one at a time after the Linux stage.
pub fn exclusive() -> Exclusive {
    let guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    #[cfg(unix)]
    let machine = {
        use std::os::fd::AsRawFd;
        fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open("/tmp/kofu-pcscd-tests.lock")
            .ok()
            .filter(|f| {
                // SAFETY: flock on a file descriptor we own; blocks until the lock is ours.
                unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) == 0 }
            })
    };
    Exclusive {
        _guard: guard,
        #[cfg(unix)]
        _machine: machine,
    }
}

/// A running pcscd. Dropping it stops the daemon (SIGTERM).
pub struct Pcscd {
    #[cfg(unix)]
    child: Option<Child>,
    /// The daemon's host pid (Wine gives no handle for a Unix child).
    #[cfg(windows)]
    pid: Option<i32>,
    conf: tempfile::TempDir,
    log: PathBuf,
}

fn fail(msg: &str) -> ! {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("[CI] pcscd test harness: {msg}");
    }
    panic!(
        "pcscd test harness: {msg}\n(install: apt-get install -y --no-install-recommends pkg-config libpcsclite-dev pcscd vsmartcard-vpcd)"
    );
}

/// Version reported by `pcscd -v`, e.g. (1, 9, 9).
pub fn pcscd_version() -> Option<(u32, u32, u32)> {
    let (_, text) = host::sh("pcscd -v")?;
    let word = text.split("version").nth(1)?.split_whitespace().next()?;
    let mut it = word
        .trim_end_matches('.')
        .split('.')
        .map(|p| p.parse::<u32>().ok());
    Some((it.next()??, it.next()??, it.next().flatten().unwrap_or(0)))
}

fn vpcd_driver() -> PathBuf {
    // Prefer the path of the packaged config (multiarch-proof), else the Debian default.
    if let Ok(text) = fs::read_to_string(host::path("/etc/reader.conf.d/vpcd")) {
        for line in text.lines() {
            let mut parts = line.split_whitespace();
            if parts.next() == Some("LIBPATH")
                && let Some(p) = parts.next()
            {
                return host::path(p);
            }
        }
    }
    host::path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
}

fn pid_alive(pid: i32) -> bool {
    pid > 0
        && fs::read_to_string(host::path(&format!("/proc/{pid}/stat")))
            .ok()
            .and_then(|s| {
                s.rsplit(')')
                    .next()
                    .map(|rest| !rest.trim_start().starts_with('Z'))
            })
            .unwrap_or(false)
}

/// All live pcscd processes: (pid, command line).
fn running_pcscds() -> Vec<(i32, String)> {
    let mut out = Vec::new();
    let Ok(dir) = fs::read_dir(host::path("/proc")) else {
        return out;
    };
    for entry in dir.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let comm = fs::read_to_string(host::path(&format!("/proc/{pid}/comm"))).unwrap_or_default();
        if comm.trim() == "pcscd" && pid_alive(pid) {
            let cmd = fs::read(host::path(&format!("/proc/{pid}/cmdline")))
                .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
                .unwrap_or_default();
            out.push((pid, cmd));
        }
    }
    out
}

fn wait_gone(pid: i32, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if !pid_alive(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    !pid_alive(pid)
}

/// Stop a stale pcscd left by an earlier run of these tests; refuse to touch any other one.
fn clear_stale() {
    for (pid, cmd) in running_pcscds() {
        if cmd.contains(CONF_PREFIX) {
            // A process we identified as our own earlier test daemon.
            host::signal(pid, "TERM");
            if !wait_gone(pid, Duration::from_secs(3)) {
                host::signal(pid, "KILL");
                wait_gone(pid, Duration::from_secs(2));
            }
        } else {
            fail(&format!(
                "another pcscd is running (pid {pid}: {cmd}); these tests need their own. Stop it first."
            ));
        }
    }
    if running_pcscds().is_empty() {
        host::remove_file(&format!("{RUN_DIR}/pcscd.comm"));
        host::remove_file(&format!("{RUN_DIR}/pcscd.pid"));
    }
}

impl Pcscd {
    /// Start pcscd and wait until the emulated reader is listed.
    pub fn start(_lock: &Exclusive) -> Pcscd {
        let (maj, min, patch) = match pcscd_version() {
            Some(v) => v,
            None => fail("`pcscd -v` did not run: is pcscd installed?"),
        };
        let driver = vpcd_driver();
        if !driver.exists() {
            fail(&format!(
                "vpcd driver {} not found (package vsmartcard-vpcd)",
                driver.display()
            ));
        }
        clear_stale();
        // Under /tmp on the host also from Wine: pcscd reads it by its Unix name.
        let conf = tempfile::Builder::new()
            .prefix(CONF_PREFIX)
            .tempdir_in(host::path("/tmp"))
            .unwrap_or_else(|e| fail(&format!("temp dir: {e}")));
        let reader_conf = format!(
            "FRIENDLYNAME \"Virtual PCD\"\nDEVICENAME   /dev/null:0x{PORT:04X}\nLIBPATH      {}\nCHANNELID    0x{PORT:04X}\n",
            host::unix_path(&driver)
        );
        fs::write(conf.path().join("vpcd"), reader_conf)
            .unwrap_or_else(|e| fail(&format!("write config: {e}")));
        let log = conf.path().join("pcscd.log");
        let mut me = Pcscd::spawn(conf, log, maj >= 2, (maj, min, patch));
        me.wait_ready(Duration::from_secs(5));
        me
    }

    fn log_text(&self) -> String {
        let mut s = String::new();
        if let Ok(mut f) = fs::File::open(&self.log) {
            let _ = f.read_to_string(&mut s);
        }
        s
    }

    fn wait_ready(&mut self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        let mut last = String::new();
        while Instant::now() < deadline {
            if let Some(status) = self.exited() {
                fail(&format!(
                    "pcscd exited at start ({status}); log:\n{}",
                    self.log_text()
                ));
            }
            match pcsc::Context::establish(pcsc::Scope::User).and_then(|c| c.list_readers_owned()) {
                Ok(names) if names.iter().any(|n| n.to_string_lossy() == READER_0) => return,
                Ok(names) => last = format!("readers {names:?}"),
                Err(e) => last = format!("{e}"),
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        fail(&format!(
            "pcscd did not list {READER_0} within {timeout:?} (last: {last}); log:\n{}",
            self.log_text()
        ))
    }

    /// Start `pcscd --foreground -c CONF` with its output in `log`, as our own child.
    #[cfg(unix)]
    fn spawn(
        conf: tempfile::TempDir,
        log: PathBuf,
        disable_polkit: bool,
        (maj, min, patch): (u32, u32, u32),
    ) -> Pcscd {
        use std::os::unix::process::CommandExt;
        let log_file = fs::File::create(&log).unwrap_or_else(|e| fail(&format!("log file: {e}")));
        let log_err = log_file
            .try_clone()
            .unwrap_or_else(|e| fail(&format!("log file: {e}")));
        let mut cmd = Command::new("pcscd");
        cmd.arg("--foreground").arg("-c").arg(conf.path());
        if disable_polkit {
            cmd.arg("--disable-polkit");
        }
        cmd.stdin(Stdio::null()).stdout(log_file).stderr(log_err);
        // SAFETY: prctl is async-signal-safe; it only sets the parent-death signal.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                Ok(())
            });
        }
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| fail(&format!("cannot start pcscd {maj}.{min}.{patch}: {e}")));
        Pcscd {
            child: Some(child),
            conf,
            log,
        }
    }

    /// Start the daemon on the Linux host (see the module doc) and find its pid.
    #[cfg(windows)]
    fn spawn(
        conf: tempfile::TempDir,
        log: PathBuf,
        disable_polkit: bool,
        (maj, min, patch): (u32, u32, u32),
    ) -> Pcscd {
        let conf_unix = host::unix_path(conf.path());
        let polkit = if disable_polkit {
            " --disable-polkit"
        } else {
            ""
        };
        let log_unix = host::unix_path(&log);
        if !host::spawn(&format!(
            "exec pcscd --foreground -c {conf_unix}{polkit} </dev/null >{log_unix} 2>&1"
        )) {
            fail(&format!(
                "cannot start pcscd {maj}.{min}.{patch} on the host"
            ));
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        let pid = loop {
            if let Some((pid, _)) = running_pcscds()
                .into_iter()
                .find(|(_, cmd)| cmd.contains(&conf_unix))
            {
                break pid;
            }
            if Instant::now() > deadline {
                let log_text = fs::read_to_string(&log).unwrap_or_default();
                fail(&format!(
                    "pcscd {maj}.{min}.{patch} did not start on the host; log:\n{log_text}"
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        Pcscd {
            pid: Some(pid),
            conf,
            log,
        }
    }

    /// Whether the daemon has exited (and how), forgetting it if so.
    #[cfg(unix)]
    fn exited(&mut self) -> Option<String> {
        let status = self.child.as_mut()?.try_wait().ok()??;
        self.child = None;
        Some(status.to_string())
    }

    #[cfg(windows)]
    fn exited(&mut self) -> Option<String> {
        let pid = self.pid?;
        if pid_alive(pid) {
            return None;
        }
        self.pid = None;
        Some(format!("host pid {pid} gone"))
    }

    /// Stop the daemon with SIGTERM and wait for it.
    #[cfg(unix)]
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SAFETY: signalling our own child.
            unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
            let deadline = Instant::now() + Duration::from_secs(3);
            loop {
                match child.try_wait() {
                    Ok(Some(_)) => break,
                    Ok(None) if Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(5))
                    }
                    _ => {
                        let _ = child.kill();
                        let _ = child.wait();
                        break;
                    }
                }
            }
        }
    }

    /// Stop the daemon with SIGTERM and wait for it (it is not our child under Wine: its exit is
    /// seen in /proc, where it stays a zombie until the test process ends).
    #[cfg(windows)]
    pub fn stop(&mut self) {
        if let Some(pid) = self.pid.take() {
            host::signal(pid, "TERM");
            if !wait_gone(pid, Duration::from_secs(3)) {
                host::signal(pid, "KILL");
                wait_gone(pid, Duration::from_secs(2));
            }
        }
    }

    /// Path of the private configuration directory (for debugging).
    pub fn conf_dir(&self) -> &Path {
        self.conf.path()
    }
}

impl Drop for Pcscd {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The Linux host, as seen from this test process: itself on Linux, Wine's host under Wine.
pub mod host {
    use std::path::{Path, PathBuf};
    #[cfg(windows)]
    use std::time::{Duration, Instant};

    /// A host path (`/proc/1/stat`) as this process names it (`Z:\proc\1\stat` under Wine).
    pub fn path(unix: &str) -> PathBuf {
        #[cfg(windows)]
        {
            PathBuf::from(format!("Z:{}", unix.replace('/', "\\")))
        }
        #[cfg(not(windows))]
        {
            PathBuf::from(unix)
        }
    }

    /// The host's name for a path this process made (the inverse of [`path`]; under Wine only
    /// `Z:` paths have one).
    pub fn unix_path(p: &Path) -> String {
        let s = p.to_string_lossy();
        #[cfg(windows)]
        {
            let s = s.strip_prefix(r"\\?\").unwrap_or(&s);
            let rest = s
                .strip_prefix("Z:")
                .or_else(|| s.strip_prefix("z:"))
                .unwrap_or_else(|| panic!("{s} is not on Wine's Z: drive (the host's /)"));
            rest.replace('\\', "/")
        }
        #[cfg(not(windows))]
        {
            s.into_owned()
        }
    }

    /// Run a `/bin/sh` script on the host, wait for it; its exit code and output (stdout+stderr).
    #[cfg(not(windows))]
    pub fn sh(script: &str) -> Option<(i32, String)> {
        let out = std::process::Command::new("/bin/sh")
            .arg("-c")
            .arg(script)
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        Some((out.status.code().unwrap_or(-1), text))
    }

    /// Run a `/bin/sh` script on the host and wait for it (up to 10 s) through a marker file,
    /// since Wine gives no handle to wait on for a Unix child.
    #[cfg(windows)]
    pub fn sh(script: &str) -> Option<(i32, String)> {
        let dir = tempfile::Builder::new()
            .prefix("kofu-host-sh-")
            .tempdir_in(path("/tmp"))
            .ok()?;
        let d = unix_path(dir.path());
        if !spawn(&format!(
            "( {script} ) >{d}/out 2>&1 </dev/null; echo $? >{d}/rc.tmp; mv {d}/rc.tmp {d}/rc"
        )) {
            return None;
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(rc) = std::fs::read_to_string(dir.path().join("rc")) {
                let out = std::fs::read_to_string(dir.path().join("out")).unwrap_or_default();
                return Some((rc.trim().parse().unwrap_or(-1), out));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        None
    }

    /// Start a `/bin/sh` script on the host without waiting for it. Wine execs a non-PE file given
    /// to `CreateProcess` as a Unix program and returns no process handle for it.
    #[cfg(windows)]
    pub fn spawn(script: &str) -> bool {
        let full = format!(
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH; {script}"
        );
        match std::process::Command::new(path("/bin/sh"))
            .arg("-c")
            .arg(full)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
        {
            // The Child holds a null handle (nothing to wait on or close): forget it.
            Ok(child) => {
                std::mem::forget(child);
                true
            }
            Err(_) => false,
        }
    }

    /// Remove a host file if it is there. Under Wine through `rm`: Wine cannot delete a Unix
    /// socket file (pcscd.comm) itself.
    pub fn remove_file(unix: &str) {
        #[cfg(not(windows))]
        {
            let _ = std::fs::remove_file(unix);
        }
        #[cfg(windows)]
        {
            let _ = sh(&format!("rm -f {unix}"));
        }
    }

    /// Send signal `sig` (`TERM`, `KILL`) to a host process.
    pub fn signal(pid: i32, sig: &str) {
        #[cfg(not(windows))]
        {
            let n = if sig == "KILL" {
                libc::SIGKILL
            } else {
                libc::SIGTERM
            };
            // SAFETY: kill(2) on a pid the caller identified as one of ours.
            unsafe { libc::kill(pid, n) };
        }
        #[cfg(windows)]
        {
            let _ = sh(&format!("kill -{sig} {pid}"));
        }
    }
}
