//! Drill mode (`lore drill`): a past incident revealed step by step. The
//! situation at the first alert, then each next timeline entry on Space; the
//! trainee types notes with `n`; at the end the debrief. A small screen of
//! its own: the state and its keys are pure (`Session::key`), the view draws
//! it, and `run` is the loop. The record is written by `crate::drill::save`.

use super::theme::Theme;
use crate::drill::Drill;
use ratatui::Frame;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// Where a drill stands.
pub struct Session {
    pub drill: Drill,
    /// Steps shown so far; `steps.len() + 1` means the debrief is shown.
    pub revealed: usize,
    pub notes: Vec<(usize, String)>,
    /// A note being typed.
    pub typing: Option<String>,
    pub done: bool,
    /// Ended with Ctrl-C: nothing is recorded.
    pub aborted: bool,
}

impl Session {
    pub fn new(drill: Drill) -> Session {
        Session {
            drill,
            revealed: 0,
            notes: Vec::new(),
            typing: None,
            done: false,
            aborted: false,
        }
    }

    pub fn debrief_shown(&self) -> bool {
        self.revealed > self.drill.steps.len()
    }

    /// One key: Space (or →, j, Enter) reveals the next step, then the
    /// debrief; `n` starts a note, Enter keeps it, Esc drops it; `q` or Esc
    /// ends the drill.
    pub fn key(&mut self, k: KeyEvent) {
        if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
            self.aborted = true;
            self.done = true;
            return;
        }
        if let Some(text) = &mut self.typing {
            match k.code {
                KeyCode::Enter => {
                    let t = text.trim().to_string();
                    if !t.is_empty() {
                        self.notes
                            .push((self.revealed.min(self.drill.steps.len()), t));
                    }
                    self.typing = None;
                }
                KeyCode::Esc => self.typing = None,
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char(c)
                    if !k.modifiers.contains(KeyModifiers::CONTROL)
                        && text.chars().count() < 500 =>
                {
                    text.push(c);
                }
                _ => {}
            }
            return;
        }
        match k.code {
            KeyCode::Char(' ') | KeyCode::Right | KeyCode::Char('j') | KeyCode::Enter => {
                if self.debrief_shown() {
                    if k.code == KeyCode::Enter {
                        self.done = true;
                    }
                } else {
                    self.revealed += 1;
                }
            }
            KeyCode::Char('n') => self.typing = Some(String::new()),
            KeyCode::Char('q') | KeyCode::Esc => self.done = true,
            _ => {}
        }
    }
}

fn para(out: &mut Vec<Line<'static>>, text: &str, style: Style, width: usize) {
    for l in super::wrap::wrap(&[(text.to_string(), style)], width.max(10)) {
        out.push(Line::from(l));
    }
}

/// The lines of the drill as far as it has gone.
pub fn lines(s: &Session, th: &Theme, width: usize) -> Vec<Line<'static>> {
    let d = &s.drill;
    let mut out = Vec::new();
    let notes_at = |out: &mut Vec<Line<'static>>, step: usize| {
        for (_, n) in s.notes.iter().filter(|(at, _)| *at == step) {
            para(out, &format!("  ✎ {n}"), th.highlight(), width);
        }
    };
    out.push(Line::from(Span::styled(
        "The situation at the first alert",
        th.title(),
    )));
    let mut facts = Vec::new();
    if let Some(sev) = &d.severity {
        facts.push(sev.clone());
    }
    if !d.services.is_empty() {
        facts.push(format!("services: {}", d.services.join(", ")));
    }
    if !facts.is_empty() {
        para(&mut out, &facts.join(" · "), th.dim(), width);
    }
    for l in d.detection.lines() {
        para(&mut out, l, Style::new(), width);
    }
    notes_at(&mut out, 0);
    for (i, st) in d.steps.iter().take(s.revealed).enumerate() {
        out.push(Line::default());
        let when = match &st.since_alert {
            Some(t) => format!("{} ({t})", st.time),
            None => st.time.clone(),
        };
        para(
            &mut out,
            &format!("{}. {when} {}", i + 1, st.text),
            Style::new(),
            width,
        );
        notes_at(&mut out, i + 1);
    }
    if s.debrief_shown() {
        let b = &d.debrief;
        out.push(Line::default());
        out.push(Line::from(Span::styled("Debrief", th.title())));
        para(
            &mut out,
            &format!("What happened: {}", b.title),
            th.bold(),
            width,
        );
        for st in &b.before {
            para(
                &mut out,
                &format!("before the alert: {} {}", st.time, st.text),
                th.dim(),
                width,
            );
        }
        for (label, list) in [
            ("Contributing factors", &b.factors),
            ("Runbooks used", &b.runbooks),
            ("Action items", &b.actions),
        ] {
            if !list.is_empty() {
                para(
                    &mut out,
                    &format!("{label}: {}", list.join("; ")),
                    Style::new(),
                    width,
                );
            }
        }
        for (label, text) in [
            ("What went well", &b.went_well),
            ("Where we got lucky", &b.lucky),
        ] {
            if !text.is_empty() {
                para(
                    &mut out,
                    &format!("{label}: {}", text.replace('\n', " ")),
                    Style::new(),
                    width,
                );
            }
        }
    }
    out
}

pub fn draw(frame: &mut Frame, s: &Session, th: &Theme) {
    let [main, bar] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(frame.area());
    let width = main.width.saturating_sub(2) as usize;
    let all = lines(s, th, width);
    let height = main.height.saturating_sub(2) as usize;
    // The newest step stays in view.
    let skip = all.len().saturating_sub(height);
    let title = format!(
        " Drill · step {} of {} ",
        s.revealed.min(s.drill.steps.len()),
        s.drill.steps.len()
    );
    frame.render_widget(
        Paragraph::new(all.into_iter().skip(skip).collect::<Vec<_>>())
            .block(Block::default().borders(Borders::ALL).title(title)),
        main,
    );
    let hint = match (&s.typing, s.debrief_shown()) {
        (Some(t), _) => format!(" note: {t}▏  Enter keeps it · Esc drops it"),
        (None, false) => {
            " Space next step · n note · q end and record · Ctrl-C abandon".to_string()
        }
        (None, true) => " End of the drill · n note · Enter or q records it".to_string(),
    };
    frame.render_widget(Paragraph::new(Span::styled(hint, th.dim())), bar);
    super::ui::clean_cells(frame.buffer_mut());
}

/// Runs the drill on the terminal until it ends; the session as it ended.
pub fn run(drill: Drill) -> anyhow::Result<Session> {
    let th = Theme::from_env();
    let mut s = Session::new(drill);
    let mut terminal = super::terminal::init()?;
    let result = (|| -> anyhow::Result<()> {
        while !s.done {
            terminal.draw(|f| draw(f, &s, &th))?;
            if let Event::Key(k) = event::read()?
                && k.kind == KeyEventKind::Press
            {
                s.key(k);
            }
        }
        Ok(())
    })();
    super::terminal::restore();
    result.map(|_| s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drill::{Debrief, Step};

    fn drill() -> Drill {
        let step = |t: &str, x: &str| Step {
            time: t.into(),
            since_alert: None,
            text: x.into(),
        };
        Drill {
            id: "x".into(),
            date: None,
            severity: Some("SEV2".into()),
            services: vec!["checkout".into()],
            detection: "Paged on 5xx rate.".into(),
            steps: vec![step("14:05", "Rolled back"), step("14:20", "Errors gone")],
            debrief: Debrief {
                title: "Checkout 502s after a config push".into(),
                before: vec![step("13:58", "Config pushed")],
                factors: vec!["Configuration change".into()],
                runbooks: vec![],
                went_well: String::new(),
                lucky: String::new(),
                actions: vec!["Canary config pushes".into()],
            },
        }
    }

    fn screen(s: &Session) -> String {
        let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 20)).unwrap();
        t.draw(|f| draw(f, s, &Theme { color: false })).unwrap();
        t.backend().to_string()
    }

    fn press(s: &mut Session, c: KeyCode) {
        s.key(KeyEvent::from(c));
    }

    #[test]
    fn a_drill_reveals_one_step_at_a_time_and_the_answer_last() {
        let mut s = Session::new(drill());
        let first = screen(&s);
        assert!(first.contains("Paged on 5xx rate."), "{first}");
        assert!(
            !first.contains("Rolled back") && !first.contains("config push"),
            "{first}"
        );
        press(&mut s, KeyCode::Char('n'));
        for c in "check the deploy log".chars() {
            press(&mut s, KeyCode::Char(c));
        }
        press(&mut s, KeyCode::Enter);
        press(&mut s, KeyCode::Char(' '));
        let one = screen(&s);
        assert!(
            one.contains("1. 14:05 Rolled back") && !one.contains("Errors gone"),
            "{one}"
        );
        assert!(one.contains("✎ check the deploy log"), "{one}");
        press(&mut s, KeyCode::Char(' '));
        press(&mut s, KeyCode::Char(' '));
        let end = screen(&s);
        assert!(
            end.contains("What happened: Checkout 502s after a config push"),
            "{end}"
        );
        assert!(
            end.contains("Contributing factors: Configuration change"),
            "{end}"
        );
        assert!(!s.done);
        press(&mut s, KeyCode::Enter);
        assert!(s.done && !s.aborted);
        assert_eq!(s.notes, vec![(0, "check the deploy log".to_string())]);
        let mut s = Session::new(drill());
        press(&mut s, KeyCode::Char('n'));
        s.key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        assert!(s.done && s.aborted, "Ctrl-C abandons, even while typing");
    }
}
