//! The real terminal: raw mode, the alternate screen and mouse capture on
//! start, restored on every exit (panics included), and suspended around
//! `$EDITOR` without re-initialising ratatui.

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use std::io::stdout;

/// Enters raw mode and the alternate screen with the mouse captured. The
/// panic hook (ratatui's, extended here) gives the terminal back first.
pub fn init() -> std::io::Result<DefaultTerminal> {
    let terminal = ratatui::try_init()?;
    let ratatui_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // A library call's panic on the I/O worker is answered as an error
        // in the status bar; the UI keeps the terminal.
        if super::effects::panic_is_caught() {
            return;
        }
        let _ = execute!(stdout(), DisableMouseCapture);
        ratatui_hook(info);
    }));
    if let Err(e) = execute!(stdout(), EnableMouseCapture) {
        restore();
        return Err(e);
    }
    Ok(terminal)
}

/// Leaves raw mode, the alternate screen and mouse capture.
pub fn restore() {
    let _ = execute!(stdout(), DisableMouseCapture);
    ratatui::restore();
}

/// Hands the terminal to another program (the editor).
pub fn suspend() -> std::io::Result<()> {
    execute!(stdout(), DisableMouseCapture, LeaveAlternateScreen)?;
    disable_raw_mode()
}

/// Takes the terminal back and forces a full redraw.
pub fn resume(terminal: &mut DefaultTerminal) -> std::io::Result<()> {
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen, EnableMouseCapture)?;
    terminal.clear()
}
