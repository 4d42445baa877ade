//! Console settings kofu changes while the desk screen runs, restored on exit.
//!
//! On Windows, conhost's QuickEdit mode freezes a console program as soon as the officer clicks
//! into the window (output blocks until Esc or a right click): kofu switches QuickEdit off while it
//! runs and restores the previous mode when the guard is dropped (also on panic, since the guard
//! lives on the stack of the TUI runner). Elsewhere the guard does nothing.
//!
//! Note: the Windows branch is compiled only on Windows; the build machine is Linux.

/// Restores the console mode when dropped.
pub struct QuickEditGuard {
    #[cfg(windows)]
    saved: Option<(windows_sys::Win32::Foundation::HANDLE, u32)>,
}

impl QuickEditGuard {
    /// Switch QuickEdit off (Windows); a no-op elsewhere or when stdin is not a console.
    pub fn disable() -> QuickEditGuard {
        #[cfg(windows)]
        {
            use windows_sys::Win32::Foundation::INVALID_HANDLE_VALUE;
            use windows_sys::Win32::System::Console::{
                ENABLE_EXTENDED_FLAGS, ENABLE_QUICK_EDIT_MODE, GetConsoleMode, GetStdHandle,
                STD_INPUT_HANDLE, SetConsoleMode,
            };
            // SAFETY: plain Win32 console calls on this process's own stdin handle, with a
            // valid pointer to a local for the out-parameter.
            unsafe {
                let h = GetStdHandle(STD_INPUT_HANDLE);
                if h.is_null() || h == INVALID_HANDLE_VALUE {
                    return QuickEditGuard { saved: None };
                }
                let mut mode: u32 = 0;
                if GetConsoleMode(h, &mut mode) == 0 {
                    return QuickEditGuard { saved: None };
                }
                let new_mode = (mode & !ENABLE_QUICK_EDIT_MODE) | ENABLE_EXTENDED_FLAGS;
                if SetConsoleMode(h, new_mode) == 0 {
                    return QuickEditGuard { saved: None };
                }
                QuickEditGuard {
                    saved: Some((h, mode)),
                }
            }
        }
        #[cfg(not(windows))]
        QuickEditGuard {}
    }

    /// Whether a mode was changed (and will be restored).
    pub fn active(&self) -> bool {
        #[cfg(windows)]
        {
            self.saved.is_some()
        }
        #[cfg(not(windows))]
        false
    }
}

impl Drop for QuickEditGuard {
    fn drop(&mut self) {
        #[cfg(windows)]
        if let Some((h, mode)) = self.saved.take() {
            // SAFETY: restoring the mode read earlier on the same handle.
            unsafe {
                windows_sys::Win32::System::Console::SetConsoleMode(h, mode);
            }
        }
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
}
