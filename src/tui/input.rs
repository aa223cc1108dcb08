//! A one-line text field: the search bar, prompts and form fields. Edits are
//! by character, so multi-byte text never splits.

/// Text with a cursor position counted in characters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Input {
    pub text: String,
    pub cursor: usize,
}

/// One editing operation on an [`Input`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Insert(char),
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
    /// Ctrl-U: delete to the start.
    ClearToStart,
    /// Ctrl-W: delete the word before the cursor.
    DeleteWord,
}

impl Input {
    pub fn with_text(text: &str) -> Input {
        Input {
            text: text.to_string(),
            cursor: text.chars().count(),
        }
    }

    fn byte(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }

    /// Applies an edit; returns whether the text changed.
    pub fn apply(&mut self, e: Edit) -> bool {
        let len = self.text.chars().count();
        self.cursor = self.cursor.min(len);
        match e {
            Edit::Insert(c) => {
                if c == '\n' || c == '\r' {
                    return false;
                }
                let at = self.byte(self.cursor);
                self.text.insert(at, c);
                self.cursor += 1;
                true
            }
            Edit::Backspace => {
                if self.cursor == 0 {
                    return false;
                }
                let at = self.byte(self.cursor - 1);
                self.text.remove(at);
                self.cursor -= 1;
                true
            }
            Edit::Delete => {
                if self.cursor >= len {
                    return false;
                }
                let at = self.byte(self.cursor);
                self.text.remove(at);
                true
            }
            Edit::Left => {
                self.cursor = self.cursor.saturating_sub(1);
                false
            }
            Edit::Right => {
                self.cursor = (self.cursor + 1).min(len);
                false
            }
            Edit::Home => {
                self.cursor = 0;
                false
            }
            Edit::End => {
                self.cursor = len;
                false
            }
            Edit::ClearToStart => {
                let at = self.byte(self.cursor);
                let changed = at > 0;
                self.text.replace_range(..at, "");
                self.cursor = 0;
                changed
            }
            Edit::DeleteWord => {
                let at = self.byte(self.cursor);
                let before = &self.text[..at];
                let trimmed = before.trim_end();
                let start = trimmed.rfind(char::is_whitespace).map_or(0, |i| i + 1);
                if start == at {
                    return false;
                }
                let removed = self.text[start..at].chars().count();
                self.text.replace_range(start..at, "");
                self.cursor -= removed;
                true
            }
        }
    }

    /// The text before and after the cursor, for drawing it.
    pub fn split(&self) -> (&str, &str) {
        self.text.split_at(self.byte(self.cursor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_work_on_characters_not_bytes() {
        let mut i = Input::default();
        for c in "héllo wörld".chars() {
            i.apply(Edit::Insert(c));
        }
        assert!(i.apply(Edit::DeleteWord));
        assert_eq!(i.text, "héllo ");
        i.apply(Edit::Left);
        i.apply(Edit::Left);
        assert!(i.apply(Edit::Backspace));
        assert_eq!((i.text.as_str(), i.cursor), ("hélo ", 3));
        assert_eq!(i.split(), ("hél", "o "));
        assert!(i.apply(Edit::ClearToStart));
        assert_eq!((i.text.as_str(), i.cursor), ("o ", 0));
        assert!(!i.apply(Edit::Backspace));
        assert!(!i.apply(Edit::Insert('\n')));
    }
}
