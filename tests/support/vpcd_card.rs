//! An emulated HPKI card speaking the vpcd protocol.
//!
//! The card is a TCP client of the vpcd driver inside pcscd: `insert()` connects (card placed),
//! `remove()` closes (card lifted). Frames both ways: 2-byte big-endian length + payload.
//! Reader → card, length 1: `00` power off, `01` power on, `02` reset, `04` get ATR (reply ATR);
//! longer: a command APDU, answered by [`HpkiApplet`]. TCP_QUICKACK is re-armed after each
//! length read (Debian's vpcd writes length and payload separately without TCP_NODELAY).
//!
//! Every APDU is logged; never hold the log or behaviour lock across a PC/SC call.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use kofu::card::HpkiApplet;

use super::pcscd::PORT;

/// A plausible contactless ATR (pcscd needs one; kofu never uses it for detection).
pub const ATR: [u8; 20] = [
    0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06, 0x03, 0x00, 0x03, 0x00,
    0x00, 0x00, 0x00, 0x68,
];

/// What the card does; shared with the serving thread.
#[derive(Debug, Clone)]
pub struct Behaviour {
    pub applet: HpkiApplet,
    /// Answer this many APDUs, then drop off the reader (close the socket) on the next one.
    pub drop_after: Option<usize>,
}

pub struct VpcdCard {
    port: u16,
    behaviour: Arc<Mutex<Behaviour>>,
    log: Arc<Mutex<Vec<Vec<u8>>>>,
    conn: Option<(TcpStream, JoinHandle<bool>)>,
}

/// Debian 12's vpcd writes the length and the payload separately without TCP_NODELAY, so with
/// delayed ACK every APDU costs ~50 ms; TCP_QUICKACK (Linux only, re-armed after each read) brings
/// that to ~25 µs. Winsock has no such option (under Wine the card answers more slowly, well
/// inside the tests' timeouts).
#[cfg(target_os = "linux")]
fn set_quickack(stream: &TcpStream) {
    use std::os::fd::AsRawFd;
    let one: libc::c_int = 1;
    // SAFETY: setsockopt on a valid socket fd with a correctly sized int option.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_QUICKACK,
            (&one as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn set_quickack(_stream: &TcpStream) {}

impl VpcdCard {
    /// A card in slot 0 (`Virtual PCD 00 00`).
    pub fn new(applet: HpkiApplet) -> Self {
        VpcdCard {
            port: PORT,
            behaviour: Arc::new(Mutex::new(Behaviour {
                applet,
                drop_after: None,
            })),
            log: Arc::new(Mutex::new(Vec::new())),
            conn: None,
        }
    }

    /// Use slot `n` (0 or 1) of the emulated reader.
    pub fn in_slot(mut self, n: u16) -> Self {
        self.port = PORT + n;
        self
    }

    /// Drop off the reader after answering `n` APDUs (counted from the next insert).
    pub fn drop_after(self, n: Option<usize>) -> Self {
        self.set_drop_after(n);
        self
    }

    pub fn set_drop_after(&self, n: Option<usize>) {
        self.behaviour.lock().unwrap().drop_after = n;
    }

    pub fn set_applet(&self, applet: HpkiApplet) {
        self.behaviour.lock().unwrap().applet = applet;
    }

    /// Every APDU received so far (a copy).
    pub fn apdu_log(&self) -> Vec<Vec<u8>> {
        self.log.lock().unwrap().clone()
    }

    pub fn clear_log(&self) {
        self.log.lock().unwrap().clear();
    }

    pub fn is_inserted(&self) -> bool {
        self.conn.is_some()
    }

    /// Place the card on the reader (connect to vpcd).
    pub fn insert(&mut self) {
        if self.conn.is_some() {
            self.remove();
        }
        let stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap_or_else(|e| {
            panic!("vpcd card: cannot connect to 127.0.0.1:{}: {e}", self.port)
        });
        let _ = stream.set_nodelay(true);
        let reader_side = stream.try_clone().expect("clone socket");
        let behaviour = Arc::clone(&self.behaviour);
        let log = Arc::clone(&self.log);
        let join = std::thread::spawn(move || serve(reader_side, &behaviour, &log, None));
        self.conn = Some((stream, join));
    }

    /// Like [`insert`](Self::insert), but gives up after `timeout` (vpcd accepts a card only at
    /// its presence poll, so a quickly flapping card may find the listen backlog full).
    /// Returns whether the card got connected.
    pub fn try_insert(&mut self, timeout: Duration) -> bool {
        if self.conn.is_some() {
            self.remove();
        }
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], self.port));
        let Ok(stream) = TcpStream::connect_timeout(&addr, timeout) else {
            return false;
        };
        let _ = stream.set_nodelay(true);
        let Ok(reader_side) = stream.try_clone() else {
            return false;
        };
        let behaviour = Arc::clone(&self.behaviour);
        let log = Arc::clone(&self.log);
        let join = std::thread::spawn(move || serve(reader_side, &behaviour, &log, None));
        self.conn = Some((stream, join));
        true
    }

    /// Flap: connect, answer the reader's presence check, stay `in_field`, drop off, stay away
    /// `away`, reconnect; until the returned [`Flapper`] is stopped.
    ///
    /// vpcd notices a card only at pcscd's ~400 ms presence poll (and accepts a waiting
    /// connection when powering up), so a flap pcscd can report needs `away` longer than one
    /// poll: a card that is back within 100 ms looks continuously present to pcscd.
    pub fn start_flapping(&mut self, in_field: Duration, away: Duration) -> Flapper {
        self.remove();
        let stop = Arc::new(AtomicBool::new(false));
        let port = self.port;
        let behaviour = Arc::clone(&self.behaviour);
        let log = Arc::clone(&self.log);
        let stop2 = Arc::clone(&stop);
        let join = std::thread::spawn(move || {
            let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
            let mut seen = 0;
            while !stop2.load(Ordering::SeqCst) {
                let Ok(stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(100))
                else {
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                };
                let _ = stream.set_nodelay(true);
                if serve(stream, &behaviour, &log, Some(in_field)) {
                    seen += 1;
                }
                std::thread::sleep(away);
            }
            seen
        });
        Flapper { stop, join }
    }

    /// Lift the card (close the connection) and wait for the serving thread.
    pub fn remove(&mut self) {
        if let Some((stream, join)) = self.conn.take() {
            let _ = stream.shutdown(Shutdown::Both);
            let _ = join.join();
        }
    }
}

impl Drop for VpcdCard {
    fn drop(&mut self) {
        self.remove();
    }
}

fn read_frame(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut len = [0u8; 2];
    s.read_exact(&mut len).ok()?;
    set_quickack(s);
    let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len))];
    s.read_exact(&mut buf).ok()?;
    Some(buf)
}

fn write_frame(s: &mut TcpStream, payload: &[u8]) -> bool {
    let Ok(len) = u16::try_from(payload.len()) else {
        return false;
    };
    let mut frame = len.to_be_bytes().to_vec();
    frame.extend_from_slice(payload);
    s.write_all(&frame).is_ok()
}

/// A card flapping on the reader (see [`VpcdCard::start_flapping`]).
pub struct Flapper {
    stop: Arc<AtomicBool>,
    join: JoinHandle<usize>,
}

impl Flapper {
    /// Stop flapping (card off the reader); returns how many times the reader saw the card.
    pub fn stop(self) -> usize {
        self.stop.store(true, Ordering::SeqCst);
        self.join.join().unwrap_or(0)
    }
}

/// Serve one insertion. With `flap`, drop off `flap` after the first presence check.
/// Returns whether the reader asked for the ATR at least once.
fn serve(
    mut s: TcpStream,
    behaviour: &Mutex<Behaviour>,
    log: &Mutex<Vec<Vec<u8>>>,
    flap: Option<Duration>,
) -> bool {
    let mut answered = 0usize;
    let mut seen = false;
    let mut deadline: Option<std::time::Instant> = None;
    let _ = s.set_read_timeout(flap.map(|_| Duration::from_millis(500)));
    // The applet state lives for one insertion (selection is reset by power on/off).
    let mut applet = behaviour.lock().unwrap().applet.clone();
    loop {
        if let Some(d) = deadline {
            let left = d.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                let _ = s.shutdown(Shutdown::Both);
                return seen;
            }
            let _ = s.set_read_timeout(Some(left));
        }
        let Some(msg) = read_frame(&mut s) else {
            if deadline.is_some() {
                continue; // timed out: the deadline check above closes
            }
            return seen;
        };
        if msg.len() == 1 {
            match msg[0] {
                0x00..=0x02 => applet.reset(),
                0x04 => {
                    seen = true;
                    if let (Some(f), None) = (flap, deadline) {
                        deadline = Some(std::time::Instant::now() + f);
                    }
                    if !write_frame(&mut s, &ATR) {
                        return seen;
                    }
                }
                _ => {}
            }
            continue;
        }
        log.lock().unwrap().push(msg.clone());
        let drop_after = behaviour.lock().unwrap().drop_after;
        if drop_after.is_some_and(|n| answered >= n) {
            let _ = s.shutdown(Shutdown::Both);
            return seen;
        }
        let resp = applet.respond(&msg);
        answered += 1;
        if !write_frame(&mut s, &resp) {
            return seen;
        }
    }
}
