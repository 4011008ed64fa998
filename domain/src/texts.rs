//! Free text people type in: one rule for all of it, and one type per kind
//! of text (a citizen's name, an office's name and address, a service's
//! name, what to bring for a service and its note, a closure day's reason).
//! Each type can only be made by `parse`,
//! which trims the text and refuses
//!
//! - control characters (NUL, line breaks, tabs, the C1 controls), the line
//!   and paragraph separators, and the controls that reorder text (the bidi
//!   embeddings, overrides and isolates): none belongs in a one-line text,
//!   some are refused by databases (PostgreSQL refuses NUL), and the last
//!   can make a text read as another;
//! - a text without a visible character (empty, only spaces, only zero-width
//!   or other format characters such as U+200B, only combining marks, only
//!   the Hangul fillers or the blank braille pattern);
//! - a text longer than the type's limit (in characters, after trimming).
//!
//! Usernames ([`crate::Username`]) and booking codes ([`crate::BookingCode`])
//! have their own, narrower alphabets and refuse control characters too.

use std::fmt;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// Why a text is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not contain control characters (such as NUL, line breaks or tabs)")]
    Control,
    #[error("must contain a visible character")]
    NothingVisible,
    #[error("may have at most {0} characters")]
    TooLong(usize),
}

/// A character that has no place in a one-line text.
pub fn is_forbidden(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::Control
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    ) || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether the text has any control character ([`is_forbidden`]).
pub fn has_forbidden(text: &str) -> bool {
    text.chars().any(is_forbidden)
}

/// A character that leaves a mark: a letter, digit, punctuation or symbol,
/// but not one of the letters and symbols that are drawn as nothing.
fn is_visible(c: char) -> bool {
    let blank = matches!(
        c,
        '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{2800}'
    );
    !blank
        && matches!(
            c.general_category_group(),
            GeneralCategoryGroup::Letter
                | GeneralCategoryGroup::Number
                | GeneralCategoryGroup::Punctuation
                | GeneralCategoryGroup::Symbol
        )
}

/// The text trimmed, if it obeys the rule of this module with at most `max`
/// characters.
pub fn check(raw: &str, max: usize) -> Result<String, TextError> {
    if has_forbidden(raw) {
        return Err(TextError::Control);
    }
    let text = raw.trim();
    if !text.chars().any(is_visible) {
        return Err(TextError::NothingVisible);
    }
    if text.chars().count() > max {
        return Err(TextError::TooLong(max));
    }
    Ok(text.to_owned())
}

/// Declares a text type: a trimmed string that obeys [`check`] with a limit.
macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $max:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The most characters it may have.
            pub const MAX_CHARS: usize = $max;

            /// The text trimmed, or why it is refused.
            pub fn parse(raw: &str) -> Result<Self, TextError> {
                check(raw, Self::MAX_CHARS).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_type!(
    /// A citizen's name (R17): 1–200 characters.
    PersonName,
    200
);
text_type!(
    /// An office's name: 1–200 characters.
    OfficeName,
    200
);
text_type!(
    /// An office's address, on one line: 1–300 characters.
    Address,
    300
);
text_type!(
    /// A service's name: 1–200 characters.
    ServiceName,
    200
);
text_type!(
    /// One thing to bring for a service (R21): a document, a photo, a fee;
    /// 1–300 characters.
    Requirement,
    300
);
text_type!(
    /// A service's note for citizens (R21): 1–1000 characters, one
    /// paragraph.
    ServiceNote,
    1000
);
text_type!(
    /// Why an office is closed on a day (R6), shown to citizens: 1–200
    /// characters.
    ClosureReason,
    200
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_trimmed_and_keep_every_script() {
        for (raw, kept) in [
            ("  Erika Mustermann ", "Erika Mustermann"),
            ("Jürgen Groß-Öztürk", "Jürgen Groß-Öztürk"),
            ("Zoë O'Brien", "Zoë O'Brien"),
            ("李小龍", "李小龍"),
            ("محمد", "محمد"),
            ("X Æ A-12", "X Æ A-12"),
            ("👩\u{200D}💻", "👩\u{200D}💻"),
            ("\u{00A0}Ana\u{00A0}", "Ana"),
        ] {
            assert_eq!(
                PersonName::parse(raw).map(PersonName::into_string),
                Ok(kept.to_owned())
            );
        }
    }

    #[test]
    fn control_characters_are_refused() {
        for raw in [
            "a\u{0}b",
            "a\nb",
            "a\r\nb",
            "a\tb",
            "a\u{7F}b",
            "a\u{85}b",
            "a\u{9B}b",
            "a\u{2028}b",
            "a\u{2029}b",
            "evil\u{202E}gpj.exe",
            "a\u{2066}b\u{2069}",
            "trailing\n",
        ] {
            assert_eq!(ServiceName::parse(raw), Err(TextError::Control), "{raw:?}");
        }
    }

    #[test]
    fn a_text_needs_a_visible_character() {
        for raw in [
            "",
            "   ",
            "\u{200B}",
            "\u{200B}\u{200C}\u{200D}",
            "\u{FEFF}\u{2060}",
            "\u{00AD}",
            "\u{3000}\u{00A0}",
            "\u{0301}\u{0308}",
            "\u{3164}",
            "\u{115F}\u{1160}",
            "\u{2800}",
            "\u{E0041}",
        ] {
            assert_eq!(
                ClosureReason::parse(raw),
                Err(TextError::NothingVisible),
                "{raw:?}"
            );
        }
        assert!(ClosureReason::parse("\u{200B}Heiligabend").is_ok());
    }

    #[test]
    fn each_type_has_its_limit_in_characters() {
        let at = |n: usize| "ä".repeat(n);
        assert!(PersonName::parse(&at(200)).is_ok());
        assert_eq!(PersonName::parse(&at(201)), Err(TextError::TooLong(200)));
        assert!(Address::parse(&at(300)).is_ok());
        assert_eq!(Address::parse(&at(301)), Err(TextError::TooLong(300)));
        assert_eq!(OfficeName::parse(&at(201)), Err(TextError::TooLong(200)));
        assert_eq!(ServiceName::parse(&at(201)), Err(TextError::TooLong(200)));
        assert_eq!(ClosureReason::parse(&at(201)), Err(TextError::TooLong(200)));
        assert!(Requirement::parse(&at(300)).is_ok());
        assert_eq!(Requirement::parse(&at(301)), Err(TextError::TooLong(300)));
        assert!(ServiceNote::parse(&at(1000)).is_ok());
        assert_eq!(ServiceNote::parse(&at(1001)), Err(TextError::TooLong(1000)));
        // Spaces around do not count.
        assert!(PersonName::parse(&format!("  {}  ", at(200))).is_ok());
    }
}
