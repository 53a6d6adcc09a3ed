//! The one text prompt: the filters of Data and Elasticity and the path prompts of views 7–9.
//! Typing and Backspace edit its text; what Enter and Esc do is the view's to say.

use crate::tui::action::Action;
use crate::tui::theme;
use ratatui::text::Span;

/// What a prompt key asks of the view whose prompt is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// The text changed.
    Edited,
    /// Enter: use the text.
    Submit,
    /// Esc: drop it.
    Cancel,
}

/// Applies a prompt key to `text`; `None` when `action` is no prompt key.
pub fn edit(text: &mut String, action: &Action) -> Option<Key> {
    match action {
        Action::PromptInput(c) => text.push(*c),
        Action::PromptBackspace => {
            text.pop();
        }
        Action::ClearFilter => text.clear(),
        Action::PromptSubmit => return Some(Key::Submit),
        Action::PromptCancel => return Some(Key::Cancel),
        _ => return None,
    }
    Some(Key::Edited)
}

/// The prompt as it is drawn: what it asks for, the text typed so far, and the cursor.
pub fn spans(label: &str, text: &str) -> Vec<Span<'static>> {
    vec![
        Span::styled(format!("{label}: "), theme::PROMPT),
        Span::styled(format!("{text}▏"), theme::PROMPT),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_edits_and_enter_and_esc_are_left_to_the_view() {
        let mut text = "ab".to_string();
        assert_eq!(
            edit(&mut text, &Action::PromptInput('c')),
            Some(Key::Edited)
        );
        assert_eq!(edit(&mut text, &Action::PromptBackspace), Some(Key::Edited));
        assert_eq!(edit(&mut text, &Action::PromptBackspace), Some(Key::Edited));
        assert_eq!(text, "a");
        assert_eq!(edit(&mut text, &Action::PromptSubmit), Some(Key::Submit));
        assert_eq!(edit(&mut text, &Action::PromptCancel), Some(Key::Cancel));
        assert_eq!(edit(&mut text, &Action::Down), None);
        assert_eq!(text, "a");
        assert_eq!(edit(&mut text, &Action::ClearFilter), Some(Key::Edited));
        assert_eq!(text, "");
    }
}
