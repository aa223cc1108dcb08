//! Colours and text styles of the terminal UI. With `NO_COLOR` set every
//! colour is dropped and only bold, underline and reverse video remain, so the
//! screen stays readable on any terminal.

use ratatui::style::{Color, Modifier, Style};

/// The styles the views use; built once from whether colour is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless the `NO_COLOR` environment variable is set (to anything).
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    /// A severity level: SEV1 red, SEV2 yellow, SEV3 blue, lower grey. `rank`
    /// is the position in `lore.toml`'s levels (0 = most severe).
    pub fn severity(&self, rank: Option<usize>) -> Style {
        match rank {
            Some(0) => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Some(1) => self.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            Some(2) => self.fg(Color::Blue),
            _ => self.fg(Color::Gray),
        }
    }

    /// The plain colour of a severity rank, for charts.
    pub fn severity_color(&self, rank: usize) -> Color {
        if !self.color {
            return Color::Reset;
        }
        match rank {
            0 => Color::Red,
            1 => Color::Yellow,
            2 => Color::Blue,
            _ => Color::Gray,
        }
    }

    pub fn status(&self, status: crate::doc::Status) -> Style {
        match status {
            crate::doc::Status::Published => self.fg(Color::Green),
            crate::doc::Status::Review => self.fg(Color::Cyan),
            crate::doc::Status::Draft => self.fg(Color::Gray),
        }
    }

    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    pub fn bold(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn heading(&self, level: u8) -> Style {
        match level {
            1 => self
                .fg(Color::Magenta)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            2 => self.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            _ => self.fg(Color::Green).add_modifier(Modifier::BOLD),
        }
    }

    /// The selected row of a list.
    pub fn selected(&self, focused: bool) -> Style {
        if focused {
            Style::new().add_modifier(Modifier::REVERSED)
        } else if self.color {
            Style::new().bg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED)
        }
    }

    /// Matched words in a search snippet.
    pub fn highlight(&self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn code(&self) -> Style {
        self.fg(Color::LightYellow)
    }

    pub fn link(&self) -> Style {
        self.fg(Color::Blue).add_modifier(Modifier::UNDERLINED)
    }

    pub fn done(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn open_item(&self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn warning(&self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan)
        } else {
            self.fg(Color::DarkGray)
        }
    }

    pub fn added(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn removed(&self) -> Style {
        self.fg(Color::Red)
    }

    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn status_bar(&self) -> Style {
        if self.color {
            Style::new().bg(Color::Blue).fg(Color::White)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }
}
