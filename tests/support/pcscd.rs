//! A private pcscd for tests: only a vpcd reader, moved to port 35990 (slots 35990/35991).
//!
//! One pcscd can run per machine, so every test using it first takes [`exclusive()`]
//! (a process-wide lock) and starts/stops the daemon on its own thread. The daemon gets
//! `PR_SET_PDEATHSIG`, so a killed test run does not leave it behind. If the daemon cannot be
//! started the test fails with a clear message (it is never skipped silently).

use std::fs;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
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
pub struct Exclusive(#[allow(dead_code)] MutexGuard<'static, ()>);

/// Take the process-wide pcscd lock (tolerates a poisoned lock from a failed test).
pub fn exclusive() -> Exclusive {
    Exclusive(LOCK.lock().unwrap_or_else(|e| e.into_inner()))
}

/// A running pcscd. Dropping it stops the daemon (SIGTERM).
pub struct Pcscd {
    child: Option<Child>,
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
    let out = Command::new("pcscd").arg("-v").output().ok()?;
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let word = text.split("version").nth(1)?.split_whitespace().next()?;
    let mut it = word
        .trim_end_matches('.')
        .split('.')
        .map(|p| p.parse::<u32>().ok());
    Some((it.next()??, it.next()??, it.next().flatten().unwrap_or(0)))
}

fn vpcd_driver() -> PathBuf {
    // Prefer the path of the packaged config (multiarch-proof), else the Debian default.
    if let Ok(text) = fs::read_to_string("/etc/reader.conf.d/vpcd") {
        for line in text.lines() {
            let mut parts = line.split_whitespace();
            if parts.next() == Some("LIBPATH")
                && let Some(p) = parts.next()
            {
                return PathBuf::from(p);
            }
        }
    }
    PathBuf::from("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
}

fn pid_alive(pid: i32) -> bool {
    // SAFETY: kill with signal 0 only checks for existence.
    pid > 0 && unsafe { libc::kill(pid, 0) } == 0 && !is_zombie(pid)
}

fn is_zombie(pid: i32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit(')')
                .next()
                .map(|rest| rest.trim_start().starts_with('Z'))
        })
        .unwrap_or(false)
}

/// All live pcscd processes: (pid, command line).
fn running_pcscds() -> Vec<(i32, String)> {
    let mut out = Vec::new();
    let Ok(dir) = fs::read_dir("/proc") else {
        return out;
    };
    for entry in dir.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let comm = fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if comm.trim() == "pcscd" && pid_alive(pid) {
            let cmd = fs::read(format!("/proc/{pid}/cmdline"))
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
            // SAFETY: signalling a process we identified as our own earlier test daemon.
            unsafe { libc::kill(pid, libc::SIGTERM) };
            if !wait_gone(pid, Duration::from_secs(3)) {
                unsafe { libc::kill(pid, libc::SIGKILL) };
                wait_gone(pid, Duration::from_secs(2));
            }
        } else {
            fail(&format!(
                "another pcscd is running (pid {pid}: {cmd}); these tests need their own. Stop it first."
            ));
        }
    }
    if running_pcscds().is_empty() {
        let _ = fs::remove_file(Path::new(RUN_DIR).join("pcscd.comm"));
        let _ = fs::remove_file(Path::new(RUN_DIR).join("pcscd.pid"));
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
        let conf = tempfile::Builder::new()
            .prefix(CONF_PREFIX)
            .tempdir()
            .unwrap_or_else(|e| fail(&format!("temp dir: {e}")));
        let reader_conf = format!(
            "FRIENDLYNAME \"Virtual PCD\"\nDEVICENAME   /dev/null:0x{PORT:04X}\nLIBPATH      {}\nCHANNELID    0x{PORT:04X}\n",
            driver.display()
        );
        fs::write(conf.path().join("vpcd"), reader_conf)
            .unwrap_or_else(|e| fail(&format!("write config: {e}")));
        let log = conf.path().join("pcscd.log");
        let log_file = fs::File::create(&log).unwrap_or_else(|e| fail(&format!("log file: {e}")));
        let log_err = log_file
            .try_clone()
            .unwrap_or_else(|e| fail(&format!("log file: {e}")));

        let mut cmd = Command::new("pcscd");
        cmd.arg("--foreground").arg("-c").arg(conf.path());
        if maj >= 2 {
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
        let mut me = Pcscd {
            child: Some(child),
            conf,
            log,
        };
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
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                self.child = None;
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

    /// Stop the daemon with SIGTERM and wait for it.
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
