//! Console settings kofu changes while the desk screen runs, restored on exit.
//!
//! On Windows, conhost's QuickEdit mode freezes a console program as soon as the officer clicks
//! into the window (output blocks until Esc or a right click): kofu switches QuickEdit off while it
//! runs and restores the previous input mode
//! - when the guard is dropped (normal exit, early return, and a panic unwinding the TUI runner),
//! - from a panic hook (a panic on another thread, or before the unwinding reaches the guard),
//! - from a console control handler on Ctrl+Break, closing the window, logoff or shutdown,
//!   which end the process without unwinding (the handler returns FALSE, so Windows' default
//!   handling still ends kofu).
//!
//! Ctrl+C does not reach that handler while the desk screen runs: crossterm's raw mode turns
//! processed input off, so Ctrl+C arrives as a key and the keymap quits cleanly.
//! Elsewhere the guard does nothing.

/// Restores the console mode when dropped.
pub struct QuickEditGuard {
    #[cfg(windows)]
    active: bool,
}

impl QuickEditGuard {
    /// Switch QuickEdit off (Windows); a no-op elsewhere or when stdin is not a console.
    pub fn disable() -> QuickEditGuard {
        #[cfg(windows)]
        {
            QuickEditGuard {
                active: win::disable_quick_edit(),
            }
        }
        #[cfg(not(windows))]
        QuickEditGuard {}
    }

    /// Whether a mode was changed (and will be restored).
    pub fn active(&self) -> bool {
        #[cfg(windows)]
        {
            self.active
        }
        #[cfg(not(windows))]
        false
    }
}

impl Drop for QuickEditGuard {
    fn drop(&mut self) {
        #[cfg(windows)]
        if self.active {
            win::restore();
        }
    }
}

#[cfg(windows)]
mod win {
    use std::sync::{Mutex, Once};

    use windows_sys::Win32::Foundation::{HANDLE, INVALID_HANDLE_VALUE};
    use windows_sys::Win32::System::Console::{
        ENABLE_EXTENDED_FLAGS, ENABLE_QUICK_EDIT_MODE, GetConsoleMode, GetStdHandle,
        STD_INPUT_HANDLE, SetConsoleCtrlHandler, SetConsoleMode,
    };

    /// The console input handle and the mode to put back, while QuickEdit is off.
    /// (The handle is kept as an address: `HANDLE` is a raw pointer, not `Send`.)
    static SAVED: Mutex<Option<(usize, u32)>> = Mutex::new(None);
    static HOOKS: Once = Once::new();

    pub(super) fn disable_quick_edit() -> bool {
        // SAFETY: plain Win32 console calls on this process's own stdin handle, with a valid
        // pointer to a local for the out-parameter.
        let (h, mode) = unsafe {
            let h = GetStdHandle(STD_INPUT_HANDLE);
            if h.is_null() || h == INVALID_HANDLE_VALUE {
                return false;
            }
            let mut mode: u32 = 0;
            if GetConsoleMode(h, &mut mode) == 0 {
                return false;
            }
            (h, mode)
        };
        install_hooks();
        // Saved before the change, so a control event arriving in between still restores.
        *SAVED.lock().unwrap_or_else(|e| e.into_inner()) = Some((h as usize, mode));
        let new_mode = (mode & !ENABLE_QUICK_EDIT_MODE) | ENABLE_EXTENDED_FLAGS;
        // SAFETY: setting the mode of the handle read above.
        if unsafe { SetConsoleMode(h, new_mode) } == 0 {
            SAVED.lock().unwrap_or_else(|e| e.into_inner()).take();
            return false;
        }
        true
    }

    /// Put the saved mode back (once; later calls do nothing).
    pub(super) fn restore() {
        let saved = SAVED.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some((h, mode)) = saved {
            // SAFETY: restoring the mode read earlier on the same handle.
            unsafe {
                SetConsoleMode(h as HANDLE, mode);
            }
        }
    }

    /// Runs on its own thread for Ctrl+C, Ctrl+Break, close, logoff and shutdown.
    unsafe extern "system" fn on_console_event(_kind: u32) -> i32 {
        restore();
        0 // FALSE: let the next (default) handler end the process as usual.
    }

    fn install_hooks() {
        HOOKS.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                restore();
                previous(info);
            }));
            // SAFETY: registering a handler function that lives for the whole program.
            unsafe {
                SetConsoleCtrlHandler(Some(on_console_event), 1);
            }
        });
    }

    #[cfg(test)]
    pub(super) fn saved() -> Option<(usize, u32)> {
        *SAVED.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    #[cfg(not(windows))]
    #[test]
    fn the_guard_is_a_no_op_outside_windows() {
        let g = super::QuickEditGuard::disable();
        assert!(!g.active());
    }

    /// Without a console on stdin (a test run with redirected input, as under CI), the guard
    /// changes nothing and saves nothing, so nothing is "restored" onto a wrong handle.
    #[cfg(windows)]
    #[test]
    fn without_a_console_the_guard_changes_nothing() {
        use windows_sys::Win32::System::Console::{GetConsoleMode, GetStdHandle, STD_INPUT_HANDLE};
        let mut mode = 0u32;
        // SAFETY: querying this process's stdin handle into a local.
        let is_console = unsafe { GetConsoleMode(GetStdHandle(STD_INPUT_HANDLE), &mut mode) } != 0;
        let g = super::QuickEditGuard::disable();
        assert_eq!(g.active(), is_console);
        if !is_console {
            assert_eq!(super::win::saved(), None);
        }
        drop(g);
        assert_eq!(super::win::saved(), None);
    }
}
